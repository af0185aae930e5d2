/** The parts of the checks before pulumi up that decide on one fact: the distribution a cluster shows, whether a node takes pods. */
import { describe, expect, it } from "vitest";
import type { LiveNode } from "../../check/facts";
import { detectDistribution, unschedulableBecause } from "../../check/pre";
import { reasonOf } from "../../check/read";

const node = (fields: Partial<LiveNode> = {}): LiveNode => ({ name: "n", labels: {}, providerID: "", unschedulable: false, taints: [], ready: true, allocatable: { cpu: "4", memory: "16Gi" }, kubeletVersion: "v1.34.2", ...fields });

describe("detectDistribution", () => {
    it("reads the distribution from the server's version where it says, else from the nodes' provider", () => {
        // Version strings as k3s, EKS and GKE print them (v1.34.2+k3s1, v1.34.2-eks-113cf36, v1.34.2-gke.1000000).
        expect(["v1.34.2+k3s1", "v1.34.2-eks-113cf36", "v1.34.2-gke.1000000"].map((v) => detectDistribution(v, []))).toStrictEqual(["k3s", "eks", "gke"]);
        const on = (providerID: string) => detectDistribution("v1.34.2", [node({ providerID })]);
        expect(["kind://docker/gitops/gitops-worker", "azure:///subscriptions/x/vm-0", "aws:///eu-west-1a/i-0abc", "gce://project/zone/vm"].map(on)).toStrictEqual(["kind", "aks", "eks", "gke"]);
        expect(on("")).toBeUndefined();
    });
});

describe("unschedulableBecause", () => {
    it("tells why a node takes no pods: not Ready, cordoned, or tainted against scheduling", () => {
        expect(unschedulableBecause(node())).toBeUndefined();
        expect(unschedulableBecause(node({ taints: [{ key: "dedicated", effect: "PreferNoSchedule" }] }))).toBeUndefined();
        expect(unschedulableBecause(node({ ready: false }))).toBe("not Ready");
        expect(unschedulableBecause(node({ unschedulable: true }))).toBe("cordoned");
        expect(unschedulableBecause(node({ taints: [{ key: "gpu", effect: "NoExecute" }] }))).toBe("tainted gpu:NoExecute");
    });
});

describe("reasonOf", () => {
    it("takes the API server's message from its Status, and a network failure's code", () => {
        expect(reasonOf({ code: 403, body: JSON.stringify({ kind: "Status", message: "secrets is forbidden", code: 403 }), message: "HTTP-Code: 403\nMessage: Unknown API Status Code!\nBody: ..." })).toStrictEqual({ status: 403, message: "secrets is forbidden" });
        expect(reasonOf({ code: 401, body: undefined, message: "HTTP-Code: 401\nMessage: Unauthorized\nBody: undefined\nHeaders: {}" })).toStrictEqual({ status: 401, message: "Unauthorized" });
        expect(reasonOf({ code: 500, body: "", message: "HTTP-Code: 500\nMessage: Unknown API Status Code!\nBody: \"\"\n" })).toStrictEqual({ status: 500, message: "HTTP 500" });
        expect(reasonOf({ message: "request to https://127.0.0.1:1/version failed", cause: { code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:1" } })).toStrictEqual({ message: "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1" });
    });
});
