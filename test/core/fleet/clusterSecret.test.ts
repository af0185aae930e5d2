/**
 * A spoke's cluster Secret as Argo CD reads it: the data keys of the declarative setup, and a
 * `config` that decodes into Argo CD's ClusterConfig (no field it does not have, `caData` as Go
 * decodes a []byte: standard padded base64).
 */
import { describe, expect, it } from "vitest";
import { CLUSTER_ANNOTATIONS, clusterSecretAnnotations, clusterSecretData, clusterSecretLabels } from "../../../core/fleet/clusterSecret";
import { demoCertificatePem } from "../../harness";
import { hubFleet } from "../../helpers/fleet";

/**
 * The JSON fields of Argo CD's ClusterConfig and of the structs it nests (argo-cd
 * pkg/apis/application/v1alpha1/types.go: ClusterConfig, TLSClientConfig, AWSAuthConfig,
 * ExecProviderConfig), as its API schema lists them.
 */
const CLUSTER_CONFIG_FIELDS: Record<string, readonly string[]> = {
    "": ["username", "password", "bearerToken", "tlsClientConfig", "awsAuthConfig", "execProviderConfig", "disableCompression", "proxyUrl"],
    tlsClientConfig: ["insecure", "serverName", "certData", "keyData", "caData"],
    awsAuthConfig: ["clusterName", "roleARN", "profile"],
    execProviderConfig: ["command", "args", "env", "apiVersion", "installHint"],
};

/** Fields Argo CD's ClusterConfig would not know, as `$.a.b` paths. */
function unknownFields(config: Record<string, unknown>): string[] {
    return Object.entries(config).flatMap(([key, value]) => {
        if (!CLUSTER_CONFIG_FIELDS[""].includes(key)) return [`$.${key}`];
        const nested = CLUSTER_CONFIG_FIELDS[key];
        return nested ? Object.keys(value as object).filter((k) => !nested.includes(k)).map((k) => `$.${key}.${k}`) : [];
    });
}

const [eu] = hubFleet().spokes;
const access = { server: "https://eu.example.com:6443", caPem: demoCertificatePem, bearerToken: "token-of-eu" };

describe("a spoke's cluster Secret", () => {
    it("holds name, server and a config with the token and the CA, as the declarative setup shows", () => {
        const data = clusterSecretData(eu, access);
        expect(Object.keys(data).sort()).toStrictEqual(["config", "name", "server"]);
        expect(data.name).toBe("eu-prod");
        expect(data.server).toBe("https://eu.example.com:6443");
        const config = JSON.parse(data.config);
        expect(config).toStrictEqual({ bearerToken: "token-of-eu", tlsClientConfig: { insecure: false, caData: expect.any(String) } });
        // Go decodes []byte from standard padded base64 and nothing else.
        const caData: string = config.tlsClientConfig.caData;
        expect(Buffer.from(caData, "base64").toString("base64")).toBe(caData);
        expect(Buffer.from(caData, "base64").toString("utf8")).toBe(demoCertificatePem);
        expect(unknownFields(config)).toStrictEqual([]);
    });

    it("says awsAuthConfig or execProviderConfig where the model does, and no token", () => {
        const aws = hubFleet((f) => (f.spokes[0].auth = { type: "aws", clusterName: "eu-prod", roleARN: "arn:aws:iam::123456789012:role/argocd" })).spokes[0];
        const awsConfig = JSON.parse(clusterSecretData(aws, { ...access, bearerToken: undefined }).config);
        expect(awsConfig.awsAuthConfig).toStrictEqual({ clusterName: "eu-prod", roleARN: "arn:aws:iam::123456789012:role/argocd" });
        expect(awsConfig.bearerToken).toBeUndefined();
        expect(unknownFields(awsConfig)).toStrictEqual([]);

        const exec = hubFleet((f) => (f.spokes[0].auth = { type: "exec", command: "argocd-k8s-auth", args: ["gcp"] })).spokes[0];
        const execConfig = JSON.parse(clusterSecretData(exec, access).config);
        expect(execConfig.execProviderConfig).toStrictEqual({ command: "argocd-k8s-auth", args: ["gcp"], apiVersion: "client.authentication.k8s.io/v1beta1" });
        expect(execConfig.bearerToken).toBeUndefined();
        expect(unknownFields(execConfig)).toStrictEqual([]);
    });

    it("limits Argo CD to the spoke's namespaces, with nothing cluster-scoped, where the spoke is limited", () => {
        const data = clusterSecretData(eu, { ...access, namespaces: ["shop", "metrics"] });
        expect(data.namespaces).toBe("shop,metrics");
        expect(data.clusterResources).toBe("false");
    });

    it("is found by Argo CD's label and carries the model's labels and the add-ons' metadata", () => {
        expect(clusterSecretLabels(eu)).toStrictEqual({ environment: "prod", region: "eu", team: "shop", enable_metrics: "true", "argocd.argoproj.io/secret-type": "cluster" });
        expect(clusterSecretAnnotations(eu)).toStrictEqual({
            [CLUSTER_ANNOTATIONS.name]: "eu-prod",
            [CLUSTER_ANNOTATIONS.prometheusUrl]: "https://prometheus.eu.example.com",
            [CLUSTER_ANNOTATIONS.ingressDomain]: "eu.example.com",
        });
    });

    it("refuses a bearer-token spoke whose token is missing, rather than write a config Argo CD cannot log in with", () => {
        expect(() => clusterSecretData(eu, { ...access, bearerToken: undefined })).toThrow(/bearer token/);
    });
});
