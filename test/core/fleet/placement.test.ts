/**
 * Placement: every ApplicationSet's cluster generator evaluated against the fleet, the table a
 * reviewer reads, and the checks that make a wrong placement an error at its model path. Each
 * template is also expanded with real Go text/template (test/helpers/gotemplate), for every
 * cluster it is placed on, with the options the ApplicationSets set.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { applicationSetName, fleetApplicationSet } from "../../../core/fleet/applicationSets";
import { spokeKubeconfig, spokeSecrets } from "../../../core/fleet/delivery";
import { checkFleetPlacement } from "../../../core/fleet/checks";
import { placement, placementTable } from "../../../core/fleet/placement";
import { clusterParams, templateReads } from "../../../core/fleet/templates";
import type { HubModel } from "../../../model/fleet";
import { ProblemCollector } from "../../../model/problems";
import type { StackModel } from "../../../model/schema";
import { generatorParams, renderTemplates, templateStrings } from "../../helpers/applicationSets";
import { assertInstalled, go, skipWithout, suiteTitle } from "../../helpers/binaries";
import { customResourceProblems, DNS_1123_SUBDOMAIN } from "../../helpers/crds";
import { hubFleet } from "../../helpers/fleet";

/** The problems the placement check finds in a hub's fleet, as [path, message]. */
function problemsOf(fleet: HubModel): [string, string][] {
    const problems = new ProblemCollector();
    checkFleetPlacement({ fleet } as StackModel, problems);
    return problems.problems.map((p) => [p.path, p.message]);
}

describe("placement", () => {
    it("places each add-on and application on the spokes its selector selects", () => {
        expect(placement(hubFleet()).map((p) => [p.path, p.item.name, p.clusters])).toStrictEqual([
            ["fleet.addons[0]", "metrics", ["eu-prod", "us-prod"]],
            ["fleet.addons[1]", "policies", ["eu-prod", "us-prod"]],
            ["fleet.applications[0]", "shop", ["eu-prod"]],
        ]);
    });

    it("writes a table of spokes by add-on and application, and each selector with what it selects", () => {
        expect(placementTable("hub", hubFleet())).toBe(
            [
                '# Fleet placement of hub "hub"',
                "",
                "Which spoke receives which add-on and application, as the cluster generators of the hub's ApplicationSets select them (written by the program from the model; do not edit).",
                "",
                "| cluster | labels | add-on metrics | add-on policies | app shop |",
                "|---|---|:-:|:-:|:-:|",
                "| eu-prod | environment=prod, region=eu, team=shop, enable_metrics=true | ✓ | ✓ | ✓ |",
                "| us-prod | environment=prod, region=us, enable_metrics=true | ✓ | ✓ |   |",
                "| lab | environment=lab |   |   |   |",
                "",
                "| ApplicationSet | selector | clusters |",
                "|---|---|---|",
                "| metrics (addon) | enable_metrics=true | eu-prod, us-prod |",
                "| policies (addon) | environment notin (lab) | eu-prod, us-prod |",
                "| shop (application) | team=shop | eu-prod |",
                "",
            ].join("\n"),
        );
    });

    it("finds nothing wrong with a fleet whose every enabled add-on is placed and every template filled", () => {
        expect(problemsOf(hubFleet())).toStrictEqual([]);
    });

    it("refuses an add-on a spoke enables that no ApplicationSet places there, at the spoke's label", () => {
        const fleet = hubFleet((f) => Object.assign(f.spokes[2].labels, { enable_gpu: "true", enable_policies: "true", enable_metrics: "false" }));
        expect(problemsOf(fleet)).toStrictEqual([
            ["fleet.spokes[2].labels.enable_gpu", 'enables add-on "gpu", which no ApplicationSet of this hub places: add it under fleet.addons (it has: metrics, policies), or remove the label'],
            ["fleet.spokes[2].labels.enable_policies", 'enables add-on "policies", whose selector (environment notin (lab), fleet.addons[1].selector) does not select cluster "lab": widen the selector, or remove the label'],
        ]);
    });

    it("refuses a template that reads a label or annotation a selected spoke lacks, or a parameter the generator does not give, at the template's field", () => {
        const fleet = hubFleet((f) => {
            f.applications[0].selector = { matchLabels: { environment: "prod" } };
            f.applications[0].source.path = "deploy/{{.metadata.labels.team}}";
            f.addons[1].namespace = "{{.cluster}}";
            f.addons[1].parameters = { domain: '{{index .metadata.annotations "gitops-platform/ingress-domain"}}' };
            f.addons[1].selector = {};
        });
        expect(problemsOf(fleet)).toStrictEqual([
            ["fleet.addons[1].namespace", "reads .cluster, which the cluster generator does not give: use .name, .nameNormalized, .server, .metadata.labels.<key> or .metadata.annotations.<key>"],
            ["fleet.addons[1].parameters.domain", 'reads annotation "gitops-platform/ingress-domain", which cluster "lab" does not have: add it to its annotations, or narrow the selector'],
            ["fleet.applications[0].source.path", 'reads label "team", which cluster "us-prod" does not have: add it to its labels, or narrow the selector'],
        ]);
    });

    it("refuses what the controller would refuse or the check cannot follow: a broken action, a function outside Go's, range", () => {
        expect(templateReads("{{.name").errors[0]).toMatch(/unclosed action/);
        expect(templateReads("{{ upper .name }}").errors).toStrictEqual(['calls "upper", which the offline check cannot evaluate: use Go\'s own functions (index, printf, eq...)']);
        expect(templateReads("{{range .metadata.labels}}{{.}}{{end}}").errors).toContain("uses range or with, which move the dot off the cluster's parameters: read them as .metadata.labels.<key> instead");
    });
});

describe("the fleet's ApplicationSets", () => {
    const fleet = hubFleet();
    const sets = placement(fleet).map((p) => ({ p, set: fleetApplicationSet(fleet, p, "hub", "argocd") }));

    it("are valid ApplicationSets by Argo CD's CRD, with a cluster generator of the model's selector", () => {
        for (const { p, set } of sets) {
            expect(customResourceProblems(set as never), set.metadata.name).toStrictEqual([]);
            expect(set.metadata.name).toBe(applicationSetName(p));
        }
        const [metrics, policies] = sets.map((s) => s.set.spec as any);
        expect(metrics.generators).toStrictEqual([{ clusters: { selector: { matchLabels: { enable_metrics: "true" } } } }]);
        expect(policies.generators).toStrictEqual([{ clusters: { selector: { matchExpressions: [{ key: "environment", operator: "NotIn", values: ["lab"] }] } } }]);
        expect(metrics.template.spec.project).toBe("platform");
        expect((sets[2].set.spec as any).template.spec.project).toBe("shop");
    });

    describe.skipIf(skipWithout(go))(suiteTitle("expanded by Go's text/template as the controller expands them", go), () => {
        beforeAll(() => assertInstalled(go));

        /** Every template string of every set, for every spoke it is placed on, and for every spoke it is not. */
        async function expandAll(on: (clusters: readonly string[]) => HubModel["spokes"]) {
            const cases = sets.flatMap(({ p, set }) =>
                on(p.clusters).flatMap((spoke) => templateStrings((set.spec as any).template).map(([at, template]) => ({ set: set.metadata.name, spoke: spoke.name, at, template, params: clusterParams(spoke, `https://${spoke.name}.example.com`) as never }))),
            );
            const rendered = await renderTemplates(go, sets[0].set.spec as never, cases);
            return cases.map((c, i) => ({ ...c, ...rendered[i] }));
        }

        it("fill every field for every spoke they are placed on, with valid, distinct Application names", async () => {
            const all = await expandAll((clusters) => fleet.spokes.filter((s) => clusters.includes(s.name)));
            for (const r of all) {
                expect(r.error, `${r.set} on ${r.spoke}: ${r.at}`).toBeUndefined();
                expect(r.text, `${r.set} on ${r.spoke}: ${r.at}`).not.toMatch(/\{\{|\}\}|<no value>/);
            }
            const names = all.filter((r) => r.at === "metadata.name").map((r) => r.text as string);
            for (const name of names) expect(name).toMatch(DNS_1123_SUBDOMAIN);
            expect(new Set(names).size).toBe(names.length);
            expect(all.find((r) => r.set === "app-shop" && r.at === "spec.source.path")?.text).toBe("deploy/eu");
            expect(all.find((r) => r.set === "addon-metrics" && r.spoke === "us-prod" && r.at === "spec.source.helm.parameters[0].value")?.text).toBe("https://prometheus.us.example.com");
        });

        // With missingkey=error a missing `.metadata.labels.x` fails, but `index` of a missing key
        // gives the zero value, printed "<no value>" (Go text/template, missingkey applies to
        // field chains only): either way the Application is wrong, and the check must say so.
        it("fail, or print <no value>, in the controller exactly where the offline check reports a missing label or annotation", async () => {
            const all = await expandAll(() => fleet.spokes);
            for (const r of all) {
                const reads = templateReads(r.template);
                const params = clusterParams(fleet.spokes.find((s) => s.name === r.spoke) as HubModel["spokes"][number], "");
                const lacks = reads.labels.some((k) => !(k in params.metadata.labels)) || reads.annotations.some((k) => !(k in params.metadata.annotations));
                expect(r.error !== undefined || r.text?.includes("<no value>"), `${r.set} on ${r.spoke}: ${r.at} (${r.error ?? r.text})`).toBe(lacks);
            }
            expect(all.some((r) => r.error?.includes("map has no entry for key"))).toBe(true);
            expect(all.some((r) => r.text?.includes("<no value>"))).toBe(true);
        });
    });
});

describe("the add-on secrets the hub delivers", () => {
    it("go to each spoke the add-on is placed on, and to no other", () => {
        const fleet = hubFleet();
        const delivered = spokeSecrets(fleet, placement(fleet));
        expect([...delivered].map(([cluster, secrets]) => [cluster, secrets.map((s) => `${s.addon}:${s.secret.namespace}/${s.secret.name}`)])).toStrictEqual([
            ["eu-prod", ["metrics:metrics/metrics-remote-write"]],
            ["us-prod", ["metrics:metrics/metrics-remote-write"]],
            ["lab", []],
        ]);
    });

    it("are refused twice under one name in one spoke, whatever the spoke's auth", () => {
        const fleet = hubFleet((f) => {
            f.spokes[1].auth = { type: "aws", clusterName: "us-prod" };
            f.addons[1].secrets = [{ name: "metrics-remote-write", namespace: "metrics", data: { token: "gitops:policiesToken" } }];
        });
        expect(problemsOf(fleet)).toStrictEqual([
            ["fleet.addons[1].secrets", 'put Secret metrics/metrics-remote-write into cluster "eu-prod" where another add-on placed there puts it too: name each add-on\'s secrets apart'],
            ["fleet.addons[1].secrets", 'put Secret metrics/metrics-remote-write into cluster "us-prod" where another add-on placed there puts it too: name each add-on\'s secrets apart'],
        ]);
    });

    it("reach each spoke through a kubeconfig that authenticates as the hub's Argo CD does there: its token, or its credential plugin, never prompting", async () => {
        const { KubeConfig } = await import("@kubernetes/client-node");
        const access = { server: "https://spoke.example.com:6443", caPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", bearerToken: "token-value" };
        const userOf = (auth: HubModel["spokes"][number]["auth"]) => {
            const text = spokeKubeconfig({ name: "spoke", auth }, access);
            // As the official client reads it: one context, current, of that cluster and user.
            const read = new KubeConfig();
            read.loadFromString(text);
            expect([read.getCurrentCluster()?.server, read.getCurrentUser()?.name]).toStrictEqual([access.server, "argocd-manager"]);
            const config = JSON.parse(text);
            expect(config.clusters[0].cluster).toStrictEqual({ server: access.server, "certificate-authority-data": Buffer.from(access.caPem).toString("base64") });
            return config.users[0].user;
        };
        expect(userOf({ type: "bearerToken" })).toStrictEqual({ token: "token-value" });
        expect(userOf({ type: "aws", clusterName: "prod-eu", roleARN: "arn:aws:iam::123456789012:role/argocd" })).toStrictEqual({
            exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", "prod-eu", "--role-arn", "arn:aws:iam::123456789012:role/argocd", "--output", "json"], interactiveMode: "Never" },
        });
        expect(userOf({ type: "exec", command: "kubelogin", args: ["get-token"], apiVersion: "client.authentication.k8s.io/v1" })).toStrictEqual({
            exec: { apiVersion: "client.authentication.k8s.io/v1", command: "kubelogin", args: ["get-token"], interactiveMode: "Never" },
        });
    });
});

describe("an application per directory (a matrix of the cluster generator and a git directories generator)", () => {
    const SERVICES = { repoURL: "https://github.com/example-org/shop", include: ["services/*"], exclude: ["services/legacy"] };
    const perDirectory = (edit: (app: any) => void = () => {}) =>
        hubFleet((f) => {
            f.applications.push({ name: "services", project: "shop", selector: { matchLabels: { environment: "prod" } }, directories: SERVICES, source: { repoURL: SERVICES.repoURL, path: "{{.path.path}}" }, namespace: "shop-{{.path.basenameNormalized}}" });
            edit(f.applications[1]);
        });
    const fleet = perDirectory();
    const placed = placement(fleet)[3];
    const set = fleetApplicationSet(fleet, placed, "hub", "argocd");

    it("is a valid ApplicationSet whose matrix joins the model's selector to the repository's directories, excluded ones marked", () => {
        expect(customResourceProblems(set as never)).toStrictEqual([]);
        expect((set.spec as any).generators).toStrictEqual([
            {
                matrix: {
                    generators: [
                        { clusters: { selector: { matchLabels: { environment: "prod" } } } },
                        { git: { repoURL: SERVICES.repoURL, revision: "HEAD", directories: [{ path: "services/*" }, { path: "services/legacy", exclude: true }] } },
                    ],
                },
            },
        ]);
    });

    it("shows in the table that Argo CD finds the directories, on the clusters the selector selects", () => {
        expect(placementTable("hub", fleet).split("\n")).toContain(`| services (application) | environment=prod | eu-prod, us-prod × each directory of ${SERVICES.repoURL}@HEAD matching services/* but services/legacy |`);
    });

    it("lets templates read the directory, and refuses what would give every directory the same Application or what the generator does not give", () => {
        expect(problemsOf(fleet)).toStrictEqual([]);
        expect(problemsOf(perDirectory((app) => (app.source.path = "services")))).toStrictEqual([["fleet.applications[1].source.path", 'is the same for every directory that fleet.applications[1].directories finds: read the directory, e.g. "{{.path.path}}"']]);
        expect(problemsOf(perDirectory((app) => (app.namespace = "{{.path.base}}")))).toStrictEqual([
            ["fleet.applications[1].namespace", "reads .path.base, which the git directories generator does not give: use .path.path, .path.basename, .path.basenameNormalized or index .path.segments n"],
        ]);
        expect(problemsOf(perDirectory((app) => delete app.directories))).toStrictEqual([
            ["fleet.applications[1].source.path", "reads .path, which only a git directories generator gives: set directories to place one Application per directory, or use the cluster's parameters"],
            ["fleet.applications[1].namespace", "reads .path, which only a git directories generator gives: set directories to place one Application per directory, or use the cluster's parameters"],
        ]);
    });

    describe.skipIf(skipWithout(go))(suiteTitle("expanded by Go's text/template with the parameters of both generators", go), () => {
        beforeAll(() => assertInstalled(go));

        it("gives one Application per cluster and directory, each named apart and deploying its directory", async () => {
            const directories = generatorParams([(set.spec as any).generators[0].matrix.generators[1]]);
            const cases = fleet.spokes
                .filter((s) => placed.clusters.includes(s.name))
                .flatMap((spoke) => directories.map((dir) => ({ spoke: spoke.name, params: { ...clusterParams(spoke, `https://${spoke.name}.example.com`), ...dir } as never })))
                .flatMap((c) => templateStrings((set.spec as any).template).map(([at, template]) => ({ ...c, at, template })));
            const rendered = await renderTemplates(go, set.spec as never, cases);
            expect(rendered.filter((r) => r.error !== undefined)).toStrictEqual([]);
            const texts = (at: string, spoke?: string) => cases.flatMap((c, i) => (c.at === at && (spoke === undefined || c.spoke === spoke) ? [rendered[i].text as string] : []));
            const names = texts("metadata.name");
            expect(names).toHaveLength(4);
            expect(new Set(names).size).toBe(names.length);
            for (const name of names) expect(name).toMatch(DNS_1123_SUBDOMAIN);
            expect(texts("metadata.name", "eu-prod")).toStrictEqual(["services-eu-prod-alpha", "services-eu-prod-beta-two"]);
            expect(texts("spec.source.path", "us-prod")).toStrictEqual(["services/alpha", "services/beta-two"]);
            expect(texts("spec.destination.namespace", "us-prod")).toStrictEqual(["shop-alpha", "shop-beta-two"]);
        });
    });
});
