/**
 * Grafana as each environment's release renders it: at its address with cert-manager's
 * certificate, signed in through the identity provider with a client secret Grafana reads from a
 * mounted file, and roles mapped from groups as Grafana's JMESPath evaluates them.
 */
import * as ini from "ini";
import * as jmespath from "jmespath";
import { describe, expect, it } from "vitest";
import { CLUSTER_ISSUER_ANNOTATION } from "../../../core/exposure";
import { grafanaOauthSecretName, monitoringRelease, OAUTH_SECRET_KEY, roleAttributePath } from "../../../core/monitoring/release";
import { monitoringRunbook } from "../../../core/monitoring/runbook";
import { clusterViewOf } from "../../../model/cluster";
import { expandRelease, expansionTitle, skipExpansion } from "../../helpers/charts";
import { installerModel, STACKS, stackModel } from "../../helpers/models";

const clusterMonitoring = clusterViewOf(installerModel("prod", "shared").clusterWide).monitoring;

describe("the role mapping", () => {
    const roles = { admin: ["platform-admins", "it's-ops"], editor: ["developers"] };
    const roleOf = (claim: string, groups: string[]) => jmespath.search({ [claim]: groups, sub: "someone" }, roleAttributePath(claim, roles));

    it.each([
        [["developers", "platform-admins"], "Admin"],
        [["it's-ops"], "Admin"],
        [["developers"], "Editor"],
        [["platform-admins-readonly", "dev"], "Viewer"],
        [[], "Viewer"],
    ])("gives %j the role %s", (groups, role) => {
        expect(roleOf("groups", groups)).toBe(role);
        // A claim name that is not a bare identifier, as some identity providers send it.
        expect(roleOf("https://example.com/claims:groups", groups)).toBe(role);
    });

    it("falls through to Editor or Viewer when a tier has no group", () => {
        expect(jmespath.search({ groups: ["developers"] }, roleAttributePath("groups", { admin: [], editor: ["developers"] }))).toBe("Editor");
        expect(jmespath.search({ groups: ["anyone"] }, roleAttributePath("groups", { admin: [], editor: [] }))).toBe("Viewer");
    });
});

describe.skipIf(skipExpansion).each(STACKS)(expansionTitle("%s's Grafana"), (stack) => {
    const model = stackModel(stack);
    const { grafana } = model.monitoring;
    const objects = () => expandRelease(monitoringRelease(model, clusterMonitoring));
    const find = async (kind: string, name: string) => {
        const found = (await objects()).find((o) => o.object.kind === kind && o.object.metadata.name === name);
        if (!found) throw new Error(`${kind} ${name} not rendered`);
        return found.object;
    };
    const grafanaName = `${model.monitoring.releaseName}-grafana`;

    it("is served at its host over TLS, with a certificate from the model's issuer", async () => {
        const ingress = await find("Ingress", grafanaName);
        expect(ingress.spec.rules.map((r: { host: string }) => r.host)).toStrictEqual([grafana.expose.host]);
        expect(ingress.spec.tls.flatMap((t: { hosts: string[] }) => t.hosts)).toStrictEqual([grafana.expose.host]);
        expect(ingress.spec.tls.every((t: { secretName?: string }) => t.secretName)).toBe(true);
        expect(ingress.spec.ingressClassName).toBe(grafana.expose.ingress?.className);
        expect(ingress.metadata.annotations[CLUSTER_ISSUER_ANNOTATION]).toBe(grafana.expose.clusterIssuer);
    }, 60_000);

    it("is where the runbook checks it", async () => {
        const host = (await find("Ingress", grafanaName)).spec.rules[0].host;
        const lines = monitoringRunbook(model).split("\n");
        const check = lines.findIndex((line) => line.startsWith(`curl -s https://${host}/api/health`));
        expect(lines[check - 1]).toMatch(new RegExp(`^# \\d+\\. Grafana.*ClusterIssuer ${grafana.expose.clusterIssuer}`));
    }, 60_000);

    it("reads its OAuth client secret from the mounted SealedSecret, never from grafana.ini", async () => {
        const config = ini.parse((await find("ConfigMap", grafanaName)).data["grafana.ini"]);
        expect(config.server.root_url).toBe(`https://${grafana.expose.host}`);
        // The ini library nests a dotted section name; Grafana reads it as [auth.generic_oauth].
        const oauth = config.auth?.generic_oauth;
        expect(oauth).toMatchObject({ enabled: true, client_id: grafana.sso?.clientId });
        const file = /^\$__file\{(.+)\}$/.exec(oauth.client_secret)?.[1];
        expect(file, "client_secret is a $__file reference").toBeDefined();

        const pod = (await find("Deployment", grafanaName)).spec.template.spec;
        const volume = pod.volumes.find((v: { secret?: { secretName: string } }) => v.secret?.secretName === grafanaOauthSecretName(model));
        expect(volume, "the OAuth Secret is a volume").toBeDefined();
        const mount = pod.containers.find((c: { name: string }) => c.name === "grafana").volumeMounts.find((m: { name: string }) => m.name === volume.name);
        expect(`${mount.mountPath}/${OAUTH_SECRET_KEY}`).toBe(file);
    }, 60_000);
});
