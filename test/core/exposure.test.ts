/** A UI's address behind an existing Gateway: the route to it and the certificate its listener uses. */
import { describe, expect, it } from "vitest";
import { exposedUrl, gatewayObjects } from "../../core/exposure";
import { customResourceProblems } from "../helpers/crds";

const gateway = { host: "grafana.test.example", clusterIssuer: "platform-ca", gateway: { name: "public", namespace: "gateways", sectionName: "https" } };

describe("gatewayObjects", () => {
    it("routes the host from the Gateway to the Service, and asks cert-manager for its certificate where the Gateway is", () => {
        const [route, certificate] = gatewayObjects(gateway, "grafana", "monitoring-dev", { name: "monitoring-dev-grafana", port: 80 }, { a: "b" });
        expect(route).toStrictEqual({
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name: "grafana", namespace: "monitoring-dev", labels: { a: "b" } },
            spec: { parentRefs: [{ name: "public", namespace: "gateways", sectionName: "https" }], hostnames: ["grafana.test.example"], rules: [{ backendRefs: [{ name: "monitoring-dev-grafana", port: 80 }] }] },
        });
        // The Gateway API's CRDs are the cluster's own, with no copy in ../shared/reference: the Certificate is judged by cert-manager's.
        expect(customResourceProblems(certificate)).toStrictEqual([]);
        expect(certificate.metadata).toMatchObject({ name: "grafana-tls", namespace: "gateways" });
        expect(certificate.spec).toStrictEqual({ secretName: "grafana-tls", dnsNames: ["grafana.test.example"], issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: "platform-ca" } });
        expect(exposedUrl(gateway)).toBe("https://grafana.test.example");
    });

    it("makes nothing behind an Ingress: the UI's chart makes it, annotated for the issuer", () => {
        expect(gatewayObjects({ host: "a.example.com", clusterIssuer: "x", ingress: { className: "nginx" } }, "a", "ns", { name: "a", port: 80 }, {})).toStrictEqual([]);
    });
});
