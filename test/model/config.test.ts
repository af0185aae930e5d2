import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readPlatformConfig, requiredSecretKeys } from "../../model/config";
import type { StackModel } from "../../model/schema";
import { demoConfig, demoKeyPem, ROOT } from "../harness";
import { stackModel, validated } from "../helpers/models";

const fixture = (file: string) => fs.readFileSync(path.join(ROOT, "test", "fixtures", "sealing", file), "utf8");

/** prod installs the shared cluster's parts; dev shares them. */
const models = { prod: stackModel("prod"), dev: stackModel("dev"), devDedicated: stackModel("dev", "dedicated") };

/** Reads config from a `gitops:<key>` map as index.ts does. */
function read(config: Record<string, string | undefined>, now?: Date, stack: keyof typeof models = "prod") {
    return readPlatformConfig(stack, models[stack] as StackModel, (key: string) => config[`gitops:${key}`], now);
}

function messageOf(config: Record<string, string | undefined>, now?: Date, stack: keyof typeof models = "prod"): string {
    try {
        read(config, now, stack);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected the config to be rejected");
}

describe("readPlatformConfig", () => {
    it("accepts the demo config and recognises its certificate as the demo one", () => {
        const config = read(demoConfig("prod"));
        expect(config.usesDemoCertificate).toBe(true);
        expect(config.kubeContext).toBe("kind-gitops-shared");
        expect(Object.keys(config.secrets).sort()).toStrictEqual(["alertmanagerDeadMansSwitchUrl", "alertmanagerPagerdutyRoutingKey", "alertmanagerSlackWebhook", "argocdOidcClientSecret", "argocdSlackToken", "argocdSlackWebhook", "gitRepositoryToken", "grafanaOidcClientSecret", "rolloutsSlackToken", "tlsCaCertificate", "tlsCaKey"]);
    });

    it("asks a stack that shares the owner's cluster only for its Alertmanager webhook and its Grafana's client secret", () => {
        const config = read(demoConfig("dev"), undefined, "dev");
        expect(Object.keys(config.secrets)).toStrictEqual(["alertmanagerSlackWebhook", "grafanaOidcClientSecret"]);
        const message = messageOf({ "gitops:sealingCertificate": demoConfig("dev")["gitops:sealingCertificate"] }, undefined, "dev");
        expect(message).toContain("gitops:alertmanagerSlackWebhook: is not set");
        expect(message).not.toContain("gitops:argocdSlackToken");
    });

    it("refuses the controller's key and the Argo CD password in a stack that installs neither", () => {
        const message = messageOf({ ...demoConfig("dev"), "gitops:sealingKey": demoKeyPem, "gitops:argocdAdminPassword": "long enough password" }, undefined, "dev");
        expect(message).toMatch(/gitops:sealingKey: is set, but stack "prod" installs the sealed-secrets controller and Argo CD of cluster "gitops-shared".*`pulumi config rm gitops:sealingKey`/);
        expect(message).toMatch(/gitops:argocdAdminPassword: is set, but stack "prod" installs/);
        expect(message).not.toContain("long enough password");
    });

    it("gives the controller its active key, then each retired one, and nothing when it keeps its own", () => {
        const withKey = read({ ...demoConfig("prod"), "gitops:sealingKey": demoKeyPem });
        expect(withKey.controllerKeys.map((k) => [k.secretName, k.privateKeyPem])).toStrictEqual([[expect.stringMatching(/^sealed-secrets-key-[0-9a-f]{12}$/), demoKeyPem]]);
        expect(withKey.controllerKeys[0].certificatePem).toBe(withKey.certificate.pem);
        expect(read(demoConfig("prod")).controllerKeys).toStrictEqual([]);
        const rotated = read({ ...demoConfig("prod"), "gitops:sealingCertificate": fixture("rotated.crt"), "gitops:sealingKey": fixture("rotated.key"), "gitops:sealingRetiredKeys": demoKeyPem });
        expect(rotated.controllerKeys.map((k) => k.secretName)).toStrictEqual([expect.any(String), withKey.controllerKeys[0].secretName]);
    });

    it("refuses retired keys without an active one, and in a stack that installs no controller", () => {
        expect(messageOf({ ...demoConfig("prod"), "gitops:sealingRetiredKeys": demoKeyPem })).toMatch(/gitops:sealingRetiredKeys: is set, but gitops:sealingKey is not: .*`pulumi config set --secret gitops:sealingKey <value>`/);
        expect(messageOf({ ...demoConfig("dev"), "gitops:sealingRetiredKeys": demoKeyPem }, undefined, "dev")).toMatch(/gitops:sealingRetiredKeys: is set, but stack "prod" installs the sealed-secrets controller/);
        const broken = messageOf({ ...demoConfig("prod"), "gitops:sealingKey": demoKeyPem, "gitops:sealingRetiredKeys": "not a key" });
        expect(broken).toMatch(/gitops:sealingRetiredKeys: is not a list of PEM private keys/);
    });

    it("adopts existing objects only when told exactly so, and refuses any other value", () => {
        expect(read(demoConfig("prod")).adoptExisting).toBe(false);
        expect(read({ ...demoConfig("prod"), "gitops:adoptExisting": "true" }).adoptExisting).toBe(true);
        expect(read({ ...demoConfig("prod"), "gitops:adoptExisting": "false" }).adoptExisting).toBe(false);
        expect(messageOf({ ...demoConfig("prod"), "gitops:adoptExisting": "yes" })).toMatch(/gitops:adoptExisting: is "yes", but must be "true" or "false"/);
    });

    it("lists every missing key at once, each with the command that sets it", () => {
        const message = messageOf({});
        for (const key of ["alertmanagerSlackWebhook", "argocdSlackWebhook", "argocdSlackToken", "rolloutsSlackToken"]) {
            expect(message).toContain(`gitops:${key}: is not set`);
            expect(message).toContain(`pulumi config set --secret gitops:${key} <value>`);
        }
        expect(message).toMatch(/gitops:sealingCertificate: is not set: fetch the controller's certificate with `kubeseal --fetch-cert/);
    });

    it("rejects a webhook that is not an http(s) URL without echoing the value", () => {
        const message = messageOf({ ...demoConfig("prod"), "gitops:argocdSlackWebhook": "ftp://hooks.example/secret-part" });
        expect(message).toMatch(/gitops:argocdSlackWebhook: is not an http\(s\) URL/);
        expect(message).not.toContain("secret-part");
    });

    it("asks prod for its heartbeat URL by the stack, the model path that names it and the command that sets it, never echoing a wrong one", () => {
        // GIVEN prod's demo config without the heartbeat URL, then with one that is not an http(s) URL
        const { "gitops:alertmanagerDeadMansSwitchUrl": _url, ...unset } = demoConfig("prod");
        const missing = messageOf(unset);
        const wrong = messageOf({ ...demoConfig("prod"), "gitops:alertmanagerDeadMansSwitchUrl": "hc-ping.example/secret-ping-key" });
        // THEN each names the stack, the key, the model path and the command, and nothing else is wrong
        expect(missing).toBe(
            'Stack "prod": the stack config has 1 problem:\n' +
                "  - gitops:alertmanagerDeadMansSwitchUrl: is not set: Heartbeat URL (http or https, with its ping key) of the dead-man's switch the environment's Alertmanager posts Watchdog to; the heartbeat service alerts when the posts stop (the model names it at monitoring.alertmanager.deadMansSwitch.url); set it with `pulumi config set --secret gitops:alertmanagerDeadMansSwitchUrl <value>`",
        );
        expect(wrong).toBe(
            'Stack "prod": the stack config has 1 problem:\n' +
                "  - gitops:alertmanagerDeadMansSwitchUrl: is not an http(s) URL (the model names it at monitoring.alertmanager.deadMansSwitch.url); set the URL with `pulumi config set --secret gitops:alertmanagerDeadMansSwitchUrl <value>`",
        );
        // AND dev, which drops Watchdog, needs no heartbeat URL
        expect(read(demoConfig("dev"), undefined, "dev").secrets).not.toHaveProperty("alertmanagerDeadMansSwitchUrl");
    });

    it("rejects an expired certificate and a key of another pair, naming the keys", () => {
        expect(messageOf(demoConfig("prod"), new Date("2100-01-01"))).toMatch(/gitops:sealingCertificate: expired on/);
        const other = fs.readFileSync(path.join(ROOT, "test", "fixtures", "sealing", "rotated.key"), "utf8");
        expect(messageOf({ ...demoConfig("prod"), "gitops:sealingKey": other })).toMatch(/gitops:sealingKey: does not match gitops:sealingCertificate/);
        expect(messageOf({ ...demoConfig("prod"), "gitops:sealingCertificate": "not a certificate" })).toMatch(/gitops:sealingCertificate: is not a PEM certificate/);
    });

    it("rejects a short admin password, and a context name with stray spaces", () => {
        // dev on a cluster of its own keeps Argo CD's local admin.
        expect(messageOf({ ...demoConfig("dev"), "gitops:argocdAdminPassword": "seven77" }, undefined, "devDedicated")).toMatch(/gitops:argocdAdminPassword: is shorter than 8/);
        expect(read({ ...demoConfig("dev"), "gitops:argocdAdminPassword": "eight888" }, undefined, "devDedicated").argocdAdminPassword).toBe("eight888");
        expect(messageOf({ ...demoConfig("prod"), "gitops:kubeContext": "kind-gitops " })).toMatch(/gitops:kubeContext: has leading or trailing spaces.*`pulumi config set gitops:kubeContext <value>`/);
    });

    it("refuses an admin password where Argo CD's local admin is off, saying how to turn it back on", () => {
        expect(messageOf({ ...demoConfig("prod"), "gitops:argocdAdminPassword": "long enough" })).toMatch(/gitops:argocdAdminPassword: is set, but Argo CD's local admin is off \(clusterWide.argocd.sso.localAdmin: false\).*break-glass/);
    });

    it("takes a blank value for no value, names the config as the stack's, and reports missing keys in order", () => {
        const message = messageOf({ ...demoConfig("prod"), "gitops:argocdSlackToken": "  ", "gitops:rolloutsSlackToken": "" });
        expect(message).toMatch(/^Stack "prod": the stack config has 2 problems:\n {2}- gitops:argocdSlackToken: is not set[^\n]*\n {2}- gitops:rolloutsSlackToken: is not set/);
    });

    it("accepts a plain http webhook, as on a cluster-internal receiver, and tells a certificate of its own from the demo one", () => {
        expect(read({ ...demoConfig("prod"), "gitops:argocdSlackWebhook": "http://webhook-relay.tools.svc:8080/argocd" }).secrets.argocdSlackWebhook).toBe("http://webhook-relay.tools.svc:8080/argocd");
        const own = demoConfig("dev");
        delete own["gitops:sealingKey"];
        expect(read({ ...own, "gitops:sealingCertificate": fs.readFileSync(path.join(ROOT, "test/fixtures/sealing/test.crt"), "utf8") }, new Date("2030-01-01"), "dev").usesDemoCertificate).toBe(false);
    });
});

describe("the demo certificate", () => {
    it("is recognised by fingerprint, even reformatted", () => {
        const reformatted = demoConfig("prod")["gitops:sealingCertificate"].replace(/\n/g, "\r\n");
        expect(read({ ...demoConfig("prod"), "gitops:sealingCertificate": reformatted }).usesDemoCertificate).toBe(true);
    });
});

describe("the secrets a model names", () => {
    it("are required exactly where the model names them, whatever part names them", () => {
        const prod = validated(() => {}).model;
        expect(requiredSecretKeys(prod)).toStrictEqual(["alertmanagerDeadMansSwitchUrl", "alertmanagerPagerdutyRoutingKey", "alertmanagerSlackWebhook", "argocdOidcClientSecret", "argocdSlackToken", "argocdSlackWebhook", "gitRepositoryToken", "grafanaOidcClientSecret", "rolloutsSlackToken", "tlsCaCertificate", "tlsCaKey"]);
        // A receiver's webhook from another declared secret: no change to the program's config.
        const moved = validated((m) => (m.monitoring.alertmanager.slack.webhook = "gitops:argocdSlackWebhook")).model;
        expect(requiredSecretKeys(moved)).toStrictEqual(["alertmanagerDeadMansSwitchUrl", "alertmanagerPagerdutyRoutingKey", "alertmanagerSlackWebhook", "argocdOidcClientSecret", "argocdSlackToken", "argocdSlackWebhook", "gitRepositoryToken", "grafanaOidcClientSecret", "rolloutsSlackToken", "tlsCaCertificate", "tlsCaKey"].filter((k) => k !== "alertmanagerSlackWebhook"));
        expect(messageOf({ ...demoConfig("prod"), "gitops:argocdSlackWebhook": "" }, undefined, "prod")).toMatch(/gitops:argocdSlackWebhook: is not set: Slack incoming-webhook URL for Argo CD notifications/);
    });

    it("must be declared in Pulumi.yaml, and be none of the program's own keys", () => {
        const { problems } = validated((m) => {
            m.clusterWide.argocd.notifications.secretData["slack-token"] = "gitops:argocdSlackTokn";
            m.monitoring.alertmanager.slack.webhook = "gitops:kubeContext";
        });
        expect(problems.get("clusterWide.argocd.notifications.secretData.slack-token")).toMatch(/^"gitops:argocdSlackTokn" is not declared in Pulumi.yaml; declare it there .*\(closest: gitops:argocdSlackToken\)$/);
        expect(problems.get("monitoring.alertmanager.slack.webhook")).toBe('"gitops:kubeContext" is a key the program reads itself, not a secret to seal; declare a key of its own in Pulumi.yaml');
        expect(validated((m) => (m.monitoring.alertmanager.slack.webhook = "argocdSlackWebhook")).problems.get("monitoring.alertmanager.slack.webhook")).toMatch(/must name a secret of the stack's config, such as gitops:argocdSlackToken/);
    });
});

describe("requiredSecretKeys", () => {
    it("lists the secret keys a stack needs in one order, whatever order the model names them in", () => {
        const model = stackModel("prod");
        const keys = requiredSecretKeys(model);
        expect(keys.length).toBeGreaterThan(2);
        expect(keys).toStrictEqual([...keys].sort());
    });
});

