/**
 * cert-manager: its values as Helm checks them (the chart's values.schema.json, which minihelm
 * does not apply), what the pinned chart renders from them, and the ClusterIssuers against the
 * upstream CRD with the Secrets they read.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { certManagerRelease, clusterIssuers, issuerSecrets } from "../../core/certManager";
import type { CertManagerModel } from "../../model/schema";
import { chartDir } from "../../render/chartSources";
import { demoConfig } from "../harness";
import { chartReference, coalesce } from "../helpers/chartValues";
import { charts } from "../../stacks/shared/constants";
import { expandRelease, expansionTitle, skipExpansion } from "../helpers/charts";
import { customResourceProblems } from "../helpers/crds";
import { installerModel } from "../helpers/models";

const shipped = installerModel("prod", "shared").clusterWide.certManager;
const acme = { server: "https://acme-staging-v02.api.letsencrypt.org/directory", email: "platform@example.com" };
const issuers: CertManagerModel["issuers"] = [
    ...shipped.issuers,
    { name: "letsencrypt-http", acme: { ...acme, http01: { ingressClassName: "nginx" } } },
    { name: "letsencrypt-dns", acme: { ...acme, dns01: { cloudflare: { apiToken: "gitops:cloudflareToken" } } } },
];
const withEveryIssuer = { ...shipped, issuers };

/** The chart's values.schema.json, applied as Helm applies it: to the release's values coalesced over the defaults. */
function schemaProblems(values: Record<string, unknown>): string[] {
    const schema = JSON.parse(fs.readFileSync(path.join(chartDir(charts.certManager) as string, "values.schema.json"), "utf8"));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    return validate(coalesce(chartReference(charts.certManager).defaults, values)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe("the cert-manager release", () => {
    it("passes the chart's values.schema.json, as Helm checks it before rendering", () => {
        expect(schemaProblems(certManagerRelease(shipped).values)).toStrictEqual([]);
        // The schema has teeth: a misspelt key of a closed section fails.
        expect(schemaProblems({ crds: { enabld: true } }).join()).toMatch(/must NOT have additional properties/);
    });

    it.skipIf(skipExpansion)(expansionTitle("renders its CRDs, kept, and its startup API check as a plain Job, with no hook left"), async () => {
        const objects = await expandRelease(certManagerRelease(shipped));
        const crds = objects.filter((o) => o.object.kind === "CustomResourceDefinition");
        expect(crds.map((o) => o.object.spec.names.kind).sort()).toStrictEqual(["Certificate", "CertificateRequest", "Challenge", "ClusterIssuer", "Issuer", "Order"]);
        for (const crd of crds) expect(crd.object.metadata.annotations?.["helm.sh/resource-policy"], crd.object.metadata.name).toBe("keep");
        expect(objects.filter((o) => o.hook).map((o) => `${o.object.kind} ${o.object.metadata.name}`)).toStrictEqual([]);
        // Chart v4 would drop it as a hook; as a plain Job, pulumi up waits for the webhook to answer.
        const check = objects.filter((o) => o.object.kind === "Job");
        expect(check.map((o) => o.object.metadata.name)).toStrictEqual(["cert-manager-startupapicheck"]);
        expect(check[0].object.metadata.annotations ?? {}).toStrictEqual({});
    }, 60_000);
});

describe("the ClusterIssuers", () => {
    const objects = clusterIssuers(withEveryIssuer, { team: "platform" });

    it("are valid ClusterIssuers of the upstream CRD, one per issuer of the model", () => {
        expect(objects.map((o) => o.metadata.name)).toStrictEqual(issuers.map((i) => i.name));
        for (const o of objects) expect(customResourceProblems(o), o.metadata.name).toStrictEqual([]);
    });

    it("read exactly the Secrets the program seals for them, in cert-manager's namespace", () => {
        const secrets = issuerSecrets(withEveryIssuer);
        const spec = (name: string) => objects.find((o) => o.metadata.name === name)?.spec as Record<string, any>;
        const ca = secrets.find((s) => s.name === spec("platform-ca").ca.secretName);
        expect(ca).toMatchObject({ type: "kubernetes.io/tls", data: { "tls.crt": "gitops:tlsCaCertificate", "tls.key": "gitops:tlsCaKey" } });
        const ref = spec("letsencrypt-dns").acme.solvers[0].dns01.cloudflare.apiTokenSecretRef;
        expect(secrets.find((s) => s.name === ref.name)?.data[ref.key]).toBe("gitops:cloudflareToken");
        expect(spec("letsencrypt-http").acme.solvers).toStrictEqual([{ http01: { ingress: { ingressClassName: "nginx" } } }]);
        expect(secrets.find((s) => s.name === ref.name)?.type).toBe("Opaque");
        // Each ACME issuer's account key is a Secret of its own, which cert-manager creates.
        const accountKeys = ["letsencrypt-http", "letsencrypt-dns"].map((name) => spec(name).acme.privateKeySecretRef.name);
        expect(new Set([...accountKeys, ...secrets.map((s) => s.name)]).size).toBe(accountKeys.length + secrets.length);
        // ACME account keys are cert-manager's own: nothing sealed for the HTTP-01 issuer.
        expect(secrets.map((s) => s.name).sort()).toStrictEqual(["letsencrypt-dns-dns01", "platform-ca-ca"]);
    });
});

describe("the demo CA", () => {
    it("is a CA whose key is the demo config's, as cert-manager's CA issuer needs", () => {
        const read = (file: string) => fs.readFileSync(path.join(__dirname, "..", "..", "demo", file), "utf8");
        const cert = new crypto.X509Certificate(read("ca.crt"));
        expect(cert.ca).toBe(true);
        expect(cert.checkPrivateKey(crypto.createPrivateKey(read("ca.key")))).toBe(true);
        for (const stack of ["dev", "prod"]) expect(demoConfig(stack)["gitops:tlsCaCertificate"].trim(), stack).toBe(read("ca.crt").trim());
    });
});
