/**
 * A part added to the catalogue with nothing in components/: registered from its entry alone, as
 * the README's "Adding a platform part" promises.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installClusterPart, type InstallContext } from "../../components/catalogue";
import type { ClusterPart } from "../../core/catalogue";
import { clusterLabels } from "../../core/objects";
import { clusterViewOf } from "../../model/cluster";
import { readPlatformConfig } from "../../model/config";
import { demoConfig, demoKeyPem, type ProgramRun, promiseOf, resource, runComponents, waitsFor } from "../harness";
import { unseal } from "../helpers/unseal";
import { demoSealer, owner, standIn } from "./support";

const SEALED = "kubernetes:bitnami.com/v1alpha1:SealedSecret";

/** A chart-only part of the catalogue's shape: a release, a Secret it reads, a custom resource of its CRD. */
const widgets: ClusterPart = {
    key: "certManager",
    name: "widgets",
    customResources: [{ group: "widgets.example.com", version: "v1", kind: "Widget" }],
    kubernetes: { min: 19, source: "the widgets chart's kubeVersion" },
    after: ["sealedSecrets"],
    release: () => ({ name: "widgets", namespace: "widgets-system", chart: "widgets", version: "1.2.3", repository: "https://charts.example.com", values: {} }),
    ownedValues: [],
    pods: () => [{ what: "the widgets server", sizeAt: "clusterWide.certManager.size", size: "small", pods: 1, containers: [{ cpu: "25m", memory: "64Mi" }] }],
    secrets: () => [{ name: "widgets-token", type: "widgets.example.com/token", data: { token: "gitops:gitRepositoryToken" } }],
    objects: (_, labels) => [{ apiVersion: "widgets.example.com/v1", kind: "Widget", metadata: { name: "default", labels }, spec: {} }],
};

describe("a catalogue part without a component of its own", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        const config = demoConfig("prod");
        const context = (): InstallContext => ({
            model: owner,
            view: clusterViewOf(owner.clusterWide),
            settings: readPlatformConfig("prod", owner, (key) => config[`gitops:${key}`]),
            sealer: demoSealer(),
            after: [standIn("sealed-secrets-controller")],
            opts: {},
        });
        run = await runComponents("prod", () => installClusterPart(widgets, owner.clusterWide, context()));
    });

    it("seals its Secrets from the config secrets its entry names, into its release's namespace", async () => {
        const sealed = resource(run, SEALED, "widgets-sealedsecret-widgets-token");
        expect(sealed.inputs.metadata.namespace).toBe("widgets-system");
        expect(sealed.inputs.spec.template.type).toBe("widgets.example.com/token");
        const encrypted = (await promiseOf(sealed.inputs.spec.encryptedData)) as Record<string, string>;
        expect(unseal(demoKeyPem, "widgets-system", "widgets-token", encrypted.token)).toBe(demoConfig("prod")["gitops:gitRepositoryToken"]);
    });

    it("applies its namespace, its Secrets, its chart and its objects in that order, all after what it waits for", () => {
        const urnOf = (type: string, name: string) => resource(run, type, name).urn;
        const namespace = urnOf("kubernetes:core/v1:Namespace", "widgets-namespace-widgets-system");
        const secret = urnOf(SEALED, "widgets-sealedsecret-widgets-token");
        const chart = urnOf("kubernetes:helm.sh/v4:Chart", "widgets-chart");
        const widget = resource(run, "kubernetes:widgets.example.com/v1:Widget", "widgets-widget-default");
        expect(widget.inputs.metadata.labels).toStrictEqual(clusterLabels(owner.cluster.name, "widgets"));
        expect([...waitsFor(run, widget.urn as string)]).toEqual(expect.arrayContaining([chart, secret, namespace, urnOf("test:index:StandIn", "sealed-secrets-controller")]));
        expect([...waitsFor(run, secret as string)]).toContain(namespace);
    });
});
