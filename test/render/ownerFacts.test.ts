import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CLUSTER_FACTS_OUTPUT } from "../../model/cluster";
import { mockStackName, offlineOwnerOutputs } from "../../render/ownerFacts";
import { parseSealingCertificate } from "../../sealing/certificate";
import { demoConfig, ROOT } from "../harness";
import { temporaryDirs } from "../helpers/tmp";

const tmp = temporaryDirs("owner-");

const stack = (name: string) => path.join(ROOT, "stacks", `${name}.ts`);
/** A project folder holding only this project's Pulumi.yaml and the owner's stack config: its model comes from this checkout through gitops:model. */
function ownerProject(config: Record<string, string>): string {
    const dir = tmp();
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), `config:\n${Object.entries({ "gitops:model": stack("prod"), ...config }).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join("\n")}\n`);
    return dir;
}

describe("offlineOwnerOutputs", () => {
    it("gives a stack that shares the cluster its owner's facts, from the owner's model and non-secret config", () => {
        const outputs = offlineOwnerOutputs("dev", stack("dev"));
        expect(Object.keys(outputs)).toStrictEqual([mockStackName("prod")]);
        const facts = outputs[mockStackName("prod")][CLUSTER_FACTS_OUTPUT] as { sealingCertificateFingerprint: string; kubeContext?: string };
        expect(facts.sealingCertificateFingerprint).toBe(parseSealingCertificate(demoConfig("prod")["gitops:sealingCertificate"]).fingerprint);
        expect(facts.kubeContext).toBe(demoConfig("prod")["gitops:kubeContext"]);
    });

    it("gives nothing to the owner itself, to a stack on a cluster of its own, or to a model that does not validate or cannot be read", () => {
        expect(offlineOwnerOutputs("prod", stack("prod"))).toStrictEqual({});
        expect(offlineOwnerOutputs("dev", stack("no-such-stack"))).toStrictEqual({});
        expect(offlineOwnerOutputs("dev", path.join(ROOT, "test/fixtures/models/dedicated-dev.ts"))).toStrictEqual({});
        expect(offlineOwnerOutputs("dev", path.join(ROOT, "test/fixtures/models/wrong-types.yaml"))).toStrictEqual({});
    });

    it("reads the owner's context as unset when it is empty, and gives nothing while the owner has no certificate", () => {
        const certificate = demoConfig("prod")["gitops:sealingCertificate"];
        const facts = offlineOwnerOutputs("dev", stack("dev"), ownerProject({ "gitops:sealingCertificate": certificate, "gitops:kubeContext": "" }))[mockStackName("prod")][CLUSTER_FACTS_OUTPUT] as Record<string, unknown>;
        expect(facts.kubeContext).toBeUndefined();
        expect(offlineOwnerOutputs("dev", stack("dev"), ownerProject({ "gitops:kubeContext": "kind-x" }))).toStrictEqual({});
    });

    it("blames the owner's config for a certificate it cannot read", () => {
        expect(() => offlineOwnerOutputs("dev", stack("dev"), ownerProject({ "gitops:sealingCertificate": "not a certificate" }))).toThrow(/^Stack "prod": the stack config has 1 problem:\n {2}- gitops:sealingCertificate: is not a PEM certificate/);
    });
});
