/**
 * cert-manager, which signs every certificate of the platform's addresses: its release (with its
 * CRDs, kept), and the ClusterIssuers of the model with the Secrets they read.
 */
import type { CertManagerModel, IssuerModel } from "../model/schema";
import type { HelmRelease } from "./helm";
import { type OwnedValue, releaseOf } from "./chartValues";
import type { PodGroup } from "./footprint";
import { requests, resources, type Weight } from "./sizing";
import type { KubeObject, SecretFromConfig } from "./objects";

/**
 * Helm's hook annotations, each set to null: Helm then drops the chart's default for it (Helm
 * v3.20.2 pkg/chartutil/coalesce.go, `coalesceValues`: a user value of nil deletes the key). The null reaches
 * Helm through Chart v4: the Node SDK sends it (@pulumi/pulumi runtime/rpc.js, `serializeAllKeys`
 * omits only undefined; test/program.charts.test.ts expands the values as the mock monitor received
 * them and finds no hook), the engine and the provider unmarshal with nulls kept (SkipNulls false),
 * and the Go SDK gives the component a nil for it inside `values` (sdk/go/pulumi/rpc.go,
 * `unmarshalPropertyValue`, object case). Not run against a cluster here.
 */
const NOT_A_HOOK = { "helm.sh/hook": null, "helm.sh/hook-weight": null, "helm.sh/hook-delete-policy": null };

/** The values the program sets (core/chartValues.ts): a model's `values` may not touch them. */
export const CERT_MANAGER_OWNED_VALUES: readonly OwnedValue[] = [
    { path: ["crds"], why: "its CRDs are applied with the release and kept when it goes, like every CRD of the platform" },
    ...["nameOverride", "fullnameOverride"].map((key) => ({ path: [key], why: "the platform's ServiceMonitors select the controller's Service by the chart's names" })),
    { path: ["prometheus", "enabled"], why: "the platform's ServiceMonitors scrape the controller's metrics port" },
    { path: ["startupapicheck", "jobAnnotations"], why: "the startup API check runs as a plain Job pulumi up waits for, not as a Helm hook Chart v4 would drop" },
    { path: ["startupapicheck", "rbac", "annotations"], why: "the startup API check's RBAC is applied with it, not as a Helm hook" },
    { path: ["startupapicheck", "serviceAccount", "annotations"], why: "the startup API check's ServiceAccount is applied with it, not as a Helm hook" },
];

/** The cert-manager release. */
export function certManagerRelease(certManager: CertManagerModel): HelmRelease {
    const sized = (weight: Weight) => resources(certManager.size, weight);
    return releaseOf(certManager, {
        // The CRDs with the release (templates, not crds/), marked to be kept when it goes.
        crds: { enabled: true, keep: true },
        // The startup API check is a Helm post-install hook, which Chart v4 omits. As a plain
        // Job, `pulumi up` waits for it to complete: the issuers are created once cert-manager's
        // webhook answers (cert-manager's docs: "startupapicheck").
        startupapicheck: { jobAnnotations: NOT_A_HOOK, rbac: { annotations: NOT_A_HOOK }, serviceAccount: { annotations: NOT_A_HOOK }, resources: sized("tiny") },
        resources: sized("light"),
        webhook: { resources: sized("tiny") },
        cainjector: { resources: sized("light") },
    });
}

/** Its controller, webhook and CA injector (the startup API check is a Job, done once it passes). */
export function certManagerPods(certManager: CertManagerModel): PodGroup[] {
    const one = (what: string, weight: Weight): PodGroup => ({ what: `cert-manager's ${what}`, sizeAt: "clusterWide.certManager.size", size: certManager.size, pods: 1, containers: [requests(certManager.size, weight)] });
    return [one("controller", "light"), one("webhook", "tiny"), one("CA injector", "light")];
}

/** The Secrets the issuers read, in cert-manager's namespace: a CA's key pair, a DNS provider's token. ACME account keys are cert-manager's own. */
export function issuerSecrets(certManager: CertManagerModel): SecretFromConfig[] {
    return certManager.issuers.flatMap((issuer): SecretFromConfig[] => {
        if (issuer.ca) return [{ name: `${issuer.name}-ca`, type: "kubernetes.io/tls", data: { "tls.crt": issuer.ca.certificate, "tls.key": issuer.ca.key } }];
        const cloudflare = issuer.acme?.dns01?.cloudflare;
        return cloudflare ? [{ name: `${issuer.name}-dns01`, type: "Opaque", data: { "api-token": cloudflare.apiToken } }] : [];
    });
}

function issuerSpec(issuer: IssuerModel): Record<string, unknown> {
    if (issuer.ca) return { ca: { secretName: `${issuer.name}-ca` } };
    const acme = issuer.acme as NonNullable<IssuerModel["acme"]>;
    const solver = acme.http01
        ? { http01: { ingress: { ingressClassName: acme.http01.ingressClassName } } }
        : { dns01: { cloudflare: { apiTokenSecretRef: { name: `${issuer.name}-dns01`, key: "api-token" } } } };
    return { acme: { server: acme.server, email: acme.email, privateKeySecretRef: { name: `${issuer.name}-account-key` }, solvers: [solver] } };
}

/** The ClusterIssuers of the model. They read their Secrets from cert-manager's namespace (its cluster resource namespace). */
export function clusterIssuers(certManager: CertManagerModel, labels: Record<string, string>): KubeObject[] {
    return certManager.issuers.map((issuer) => ({ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: issuer.name, labels }, spec: issuerSpec(issuer) }));
}
