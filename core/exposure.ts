/**
 * A UI at its address: an Ingress (through the chart that serves the UI), or a Gateway API
 * HTTPRoute to a Gateway that exists already, with a certificate from one of the cluster's
 * ClusterIssuers either way.
 */
import type { Exposure } from "../model/schema";
import type { KubeObject } from "./objects";

/** The annotation by which cert-manager's ingress-shim issues an Ingress's certificate from a ClusterIssuer. */
export const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";

/** The URL of an exposed UI. */
export function exposedUrl(expose: Exposure): string {
    return `https://${expose.host}`;
}

/** The Service a route sends the UI's requests to. */
export interface Backend {
    readonly name: string;
    readonly port: number;
}

/**
 * With a Gateway: the HTTPRoute from it to the UI's Service, and the Certificate (in the
 * Gateway's namespace) its listener for the host must use. None with an Ingress: the UI's chart
 * makes that, annotated for the issuer.
 */
export function gatewayObjects(expose: Exposure, name: string, namespace: string, backend: Backend, labels: Record<string, string>): KubeObject[] {
    const { gateway } = expose;
    if (!gateway) return [];
    return [
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name, namespace, labels },
            spec: {
                parentRefs: [{ name: gateway.name, namespace: gateway.namespace, ...(gateway.sectionName ? { sectionName: gateway.sectionName } : {}) }],
                hostnames: [expose.host],
                rules: [{ backendRefs: [{ name: backend.name, port: backend.port }] }],
            },
        },
        {
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: { name: `${name}-tls`, namespace: gateway.namespace, labels },
            spec: { secretName: `${name}-tls`, dnsNames: [expose.host], issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: expose.clusterIssuer } },
        },
    ];
}
