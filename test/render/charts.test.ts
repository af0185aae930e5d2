import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { crdScopes, expandRelease, minihelm, namespaceIn, parseHelmTemplate, type ReleaseToExpand } from "../../render/charts";
import { sharedDir } from "../../render/layout";
import { charts } from "../../stacks/shared/constants";
import { importAfresh } from "../helpers/afresh";
import { expansionTitle, SHIPPED_KUBERNETES, skipExpansion } from "../helpers/charts";
import { REFERENCE } from "../helpers/reference";
import { execLaunched } from "../helpers/launcher";
import { temporaryDirs } from "../helpers/tmp";
import { ROOT } from "../harness";

const run = execLaunched;
const tmp = temporaryDirs("charts-");
const kubernetes = SHIPPED_KUBERNETES;
const release = (values: unknown = {}): ReleaseToExpand => ({ name: "sealed-secrets", namespace: "kube-system", ...charts.sealedSecrets, values, kubernetes });

// The expansions of this file are its own: kept from an earlier run, they would answer for the tool.
const outerCache = process.env.GITOPS_EXPANSION_CACHE;
beforeAll(() => {
    process.env.GITOPS_EXPANSION_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), "charts-cache-"));
});
afterAll(() => {
    fs.rmSync(process.env.GITOPS_EXPANSION_CACHE as string, { recursive: true, force: true });
    if (outerCache === undefined) delete process.env.GITOPS_EXPANSION_CACHE;
    else process.env.GITOPS_EXPANSION_CACHE = outerCache;
});

/** render/charts.ts as loaded in a process with this PATH (and shared folder, null for none named). */
const loadedWith = (PATH: string, shared: string | null = sharedDir()) =>
    importAfresh<typeof import("../../render/charts.js")>(path.join(ROOT, "render", "charts.ts"), { env: { PATH, GITOPS_SHARED_DIR: shared ?? undefined } });

/** Without a final line break in strings: a block scalar that ends a document keeps it in js-yaml (helm's YAML), not in Go's (minihelm's JSON). */
const unbroken = (value: unknown): unknown =>
    typeof value === "string" ? value.replace(/\n$/, "") : Array.isArray(value) ? value.map(unbroken) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unbroken(v)])) : value;

describe("namespaceIn", () => {
    it("puts an object in its own namespace, else the release's, and a cluster-scoped kind in none", () => {
        expect(namespaceIn({ kind: "ConfigMap", metadata: { name: "a", namespace: "own" } }, "release")).toBe("own");
        expect(namespaceIn({ kind: "ConfigMap", metadata: { name: "a" } }, "release")).toBe("release");
        expect(namespaceIn({ kind: "ConfigMap" }, "release")).toBe("release");
        expect(namespaceIn({ kind: "ClusterRole", metadata: { name: "a", namespace: "ignored" } }, "release")).toBeUndefined();
    });

    it("puts in no namespace every kind Kubernetes keeps cluster-wide, and each custom kind as its CRD scopes it", () => {
        const builtIn = fs.readFileSync(path.join(ROOT, "test/fixtures/kubernetes/cluster-scoped-kinds.txt"), "utf8").split("\n").filter((line) => /^\w/.test(line));
        const dir = path.join(REFERENCE, "crds");
        const crds = fs.readdirSync(dir).flatMap((project) => fs.readdirSync(path.join(dir, project)).map((file) => yaml.load(fs.readFileSync(path.join(dir, project, file), "utf8")) as Record<string, any>));
        const scopes = crdScopes(crds);
        expect(crds.filter((c) => c.spec.scope === "Cluster").map((c) => c.spec.names.kind).sort()).toStrictEqual(["ClusterAnalysisTemplate", "ClusterIssuer"]);
        const placed = (apiVersion: string, kind: string | undefined) => namespaceIn({ apiVersion, kind, metadata: { name: "a", namespace: "own" } }, "release", scopes);
        for (const kind of builtIn) expect(placed("v1", kind), kind).toBeUndefined();
        for (const crd of crds) expect(placed(`${crd.spec.group}/${crd.spec.versions[0].name}`, crd.spec.names.kind), crd.spec.names.kind).toBe(crd.spec.scope === "Cluster" ? undefined : "own");
        for (const [apiVersion, kind] of [["v1", "ConfigMap"], ["v1", "Secret"], ["v1", "Service"], ["rbac.authorization.k8s.io/v1", "Role"], ["apps/v1", "Deployment"], ["batch/v1", "Job"], ["networking.k8s.io/v1", "Ingress"]]) {
            expect(placed(apiVersion, kind), kind).toBe("own");
        }
    });

    it("refuses a custom kind no CRD of the cluster defines, naming it", () => {
        const object = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } };
        expect(() => namespaceIn(object, "release", crdScopes([]))).toThrow("Widget w (example.com/v1): no CRD of the cluster's charts defines example.com/Widget");
    });
});

describe("what this machine can expand charts with", () => {
    /** A folder on PATH holding these entries: an executable, a file that is not one, or a folder. */
    function binDir(entries: Record<string, "executable" | "plain" | "folder">): string {
        const dir = tmp();
        for (const [name, what] of Object.entries(entries)) {
            if (what === "folder") fs.mkdirSync(path.join(dir, name));
            else fs.writeFileSync(path.join(dir, name), "#!/bin/sh\n", { mode: what === "executable" ? 0o755 : 0o644 });
        }
        return dir;
    }

    it("uses the first helm on PATH, skipping an empty or relative entry, a folder and a file that is not executable", async () => {
        const first = binDir({ helm: "executable" });
        const relative = path.relative(process.cwd(), binDir({ helm: "executable" }));
        const charts = await loadedWith(["", relative, binDir({ helm: "folder" }), binDir({ helm: "plain" }), first, binDir({ helm: "executable" })].join(path.delimiter));
        expect([charts.HELM, charts.cannotExpand]).toStrictEqual([path.join(first, "helm"), undefined]);
    });

    it("finds shared/ beside the checkout unless GITOPS_SHARED_DIR names it", () => {
        vi.stubEnv("GITOPS_SHARED_DIR", undefined);
        expect(sharedDir()).toBe(path.join(ROOT, "..", "shared"));
        vi.stubEnv("GITOPS_SHARED_DIR", "/elsewhere/shared");
        expect(sharedDir()).toBe("/elsewhere/shared");
        vi.unstubAllEnvs();
    });

    it("without helm, expands with minihelm when go is on PATH, and says what is missing when not", async () => {
        expect(await loadedWith(binDir({ go: "executable", helm: "folder" }))).toMatchObject({ HELM: undefined, cannotExpand: undefined });
        const withoutGo = await loadedWith(binDir({ go: "plain" }));
        expect(withoutGo.cannotExpand).toBe("neither helm nor go (apt-get install golang-go and the libraries .ci/run lists, to build minihelm) is on PATH");
        await expect(withoutGo.expandRelease(release())).rejects.toThrow(`cannot expand sealed-secrets: ${withoutGo.cannotExpand}`);
        const elsewhere = tmp();
        const missing = `helm is not on PATH and ${path.join(elsewhere, "tools", "minihelm")} (its stand-in) is not here`;
        expect((await loadedWith(binDir({ go: "executable" }), elsewhere)).cannotExpand).toBe(missing);
        fs.mkdirSync(path.join(elsewhere, "tools", "minihelm"), { recursive: true });
        expect((await loadedWith(binDir({ go: "executable" }), elsewhere)).cannotExpand, "a folder without build.sh").toBe(missing);
    });
});

describe("building minihelm", () => {
    /** A shared folder whose minihelm sources are one unique Go file and this build.sh, which first notes the file it was asked to build. */
    function sharedWithBuild(script: string): { shared: string; minihelm: string; builds: () => string[] } {
        const shared = tmp();
        const minihelm = path.join(shared, "tools", "minihelm");
        fs.mkdirSync(minihelm, { recursive: true });
        fs.writeFileSync(path.join(minihelm, "main.go"), `package main // ${randomUUID()}\n`);
        fs.writeFileSync(path.join(minihelm, "build.sh"), `set -e\necho "$1" >> "$(dirname "$0")/builds"\n${script}\n`);
        const builds = () => (fs.existsSync(path.join(minihelm, "builds")) ? fs.readFileSync(path.join(minihelm, "builds"), "utf8").split("\n").filter(Boolean) : []);
        return { shared, minihelm, builds };
    }
    /** The cache folder of a build, named by its sources, removed after the test. */
    const cacheDirs: string[] = [];
    afterEach(() => {
        for (const dir of cacheDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("builds the stand-in once into the project's cache, and takes the build kept there afterwards", async () => {
        const { shared, builds } = sharedWithBuild(`printf '#!/bin/sh\\necho built\\n' > "$1"\nchmod +x "$1"`);
        const charts = await loadedWith(process.env.PATH ?? "", shared);
        const binary = await charts.minihelm();
        cacheDirs.push(path.dirname(binary));
        expect(path.relative(ROOT, binary)).toMatch(/^node_modules\/\.cache\/gitops-minihelm\/[0-9a-f]{16}\/minihelm$/);
        expect(builds()).toStrictEqual([`${binary}.${process.pid}`]);
        expect((await run(binary, [])).stdout).toBe("built\n");
        expect(charts.minihelm(), "once per process").toBe(charts.minihelm());
        expect(await (await loadedWith(process.env.PATH ?? "", shared)).minihelm(), "kept for the next process").toBe(binary);
        expect(builds()).toHaveLength(1);
    });

    it("says how to get the build's dependencies, and what the build said, when it fails", async () => {
        const { shared, minihelm, builds } = sharedWithBuild(`echo "go: cannot find module providing package helm.sh/helm/v3" >&2\nexit 1`);
        const failure = (await (await loadedWith(process.env.PATH ?? "", shared)).minihelm().catch((e: unknown) => e)) as Error;
        cacheDirs.push(...builds().map((partial) => path.dirname(partial)));
        expect(builds()).toHaveLength(1);
        expect(failure.message).toBe(`building minihelm (install its Debian build dependencies as .ci/run does, see ${minihelm}/README.md) failed: go: cannot find module providing package helm.sh/helm/v3`);
    });
});

describe("parseHelmTemplate", () => {
    it("splits documents only at a line of their own, drops empty ones, flags hooks, and gives a CRD file's documents its name", () => {
        const output = [
            "---",
            "# Source: c/templates/script.yaml",
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            "  name: script",
            "data:",
            "  run.sh: |",
            "    echo ---",
            "---",
            "# Source: c/templates/empty.yaml",
            "---",
            "# Source: c/templates/hook.yaml",
            "apiVersion: batch/v1",
            "kind: Job",
            "metadata:",
            "  name: init",
            "  annotations:",
            '    "helm.sh/hook": pre-install',
            "---",
            "# Source: c/templates/list.yaml",
            "apiVersion: v1",
            "kind: List",
            "items: []",
            "---",
            "# Source: c/crds/crd-things.yaml",
            "# (a CRD file, printed whole: its own separator follows)",
            "---",
            "apiVersion: apiextensions.k8s.io/v1",
            "kind: CustomResourceDefinition",
            "metadata:",
            "  name: things.example.com",
            "spec:",
            "  description: |",
            "    # Source: not a header",
            "",
        ].join("\n");
        expect(parseHelmTemplate(output)).toStrictEqual([
            { source: "c/templates/script.yaml", hook: false, object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "script" }, data: { "run.sh": "echo ---\n" } } },
            { source: "c/templates/hook.yaml", hook: true, object: { apiVersion: "batch/v1", kind: "Job", metadata: { name: "init", annotations: { "helm.sh/hook": "pre-install" } } } },
            { source: "c/templates/list.yaml", hook: false, object: { apiVersion: "v1", kind: "List", items: [] } },
            {
                source: "c/crds/crd-things.yaml",
                hook: false,
                object: { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "things.example.com" }, spec: { description: "# Source: not a header\n" } },
            },
        ]);
    });
});

describe.skipIf(skipExpansion)(expansionTitle("expandRelease"), () => {
    it("reads `helm template` output as minihelm's JSON gives the same objects, hooks flagged", async () => {
        const values = path.join(tmp(), "values.yaml");
        fs.writeFileSync(values, "{}\n");
        const args = ["--chart", path.join(sharedDir(), "tools/minihelm/charts/argo-cd"), "--release", "argocd", "--namespace", "argocd", "--values", values, "--kube-version", `${kubernetes}.0`, "--output", "yaml"];
        // What expandRelease makes of minihelm's JSON output (the next test holds its hooks to the annotation).
        const [asYaml, expected] = await Promise.all([run(await minihelm(), args, { maxBuffer: 64 << 20 }).then((r) => r.stdout), expandRelease({ name: "argocd", namespace: "argocd", ...charts.argoCd, values: {}, kubernetes })]);
        expect(expected.some((d) => d.hook)).toBe(true);
        expect(unbroken(parseHelmTemplate(asYaml))).toStrictEqual(unbroken(expected));
    }, 60_000);

    it("flags as hooks exactly the objects Helm runs as hooks (the helm.sh/hook annotation), which Chart v4 would drop", async () => {
        // argo-cd's defaults run a hook Job (redisSecretInit), beside hundreds of plain objects.
        const objects = await expandRelease({ name: "argocd", namespace: "argocd", ...charts.argoCd, values: {}, kubernetes });
        const annotated = (o: (typeof objects)[number]) => (o.object.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.["helm.sh/hook"] !== undefined;
        expect(objects.filter(annotated).length).toBeGreaterThan(0);
        expect(objects.filter((o) => !annotated(o)).length).toBeGreaterThan(10);
        for (const o of objects) expect(o.hook, `${o.object.kind} ${o.source}`).toBe(annotated(o));
    }, 60_000);

    it("takes a chart's whole output, megabytes of it, and leaves nothing in the temporary folder", async () => {
        const privateTmp = tmp();
        vi.stubEnv("TMPDIR", privateTmp);
        try {
            // kube-prometheus-stack's defaults render over 3 MB, CRDs included.
            const objects = await expandRelease({ name: "monitoring", namespace: "monitoring", ...charts.kubePrometheusStack, values: {}, kubernetes });
            expect(objects.filter((o) => o.object.kind === "CustomResourceDefinition").length).toBeGreaterThan(5);
            await expandRelease(release({ privateKeyAnnotations: { a: 1 } })).catch(() => undefined);
        } finally {
            vi.unstubAllEnvs();
        }
        expect(fs.readdirSync(privateTmp)).toStrictEqual([]);
    }, 60_000);

    it("expands a release once for the same values and cluster version, and again for others", async () => {
        const first = expandRelease(release());
        expect(expandRelease(release())).toBe(first);
        expect(expandRelease(release({ fullnameOverride: "other" }))).not.toBe(first);
        expect(expandRelease({ ...release(), kubernetes: "1.33" })).not.toBe(first);
        const objects = await first;
        expect(objects.find((o) => o.object.kind === "Deployment")?.source).toBe("sealed-secrets/templates/deployment.yaml");
        expect(objects.every((o) => o.hook === false)).toBe(true);
    }, 60_000);

    it("keeps an expansion on disk for the next process, by tool, expanding code and release, and never a failure", async () => {
        // GIVEN a cache of its own, and an expansion kept there by one process
        const [first, next] = [await loadedWith(process.env.PATH ?? ""), await loadedWith(process.env.PATH ?? "")];
        const kept = tmp();
        vi.stubEnv("GITOPS_EXPANSION_CACHE", kept);
        const tagged = release({ fullnameOverride: "kept-on-disk" });
        const objects = await first.expandRelease(tagged);
        const [file] = fs.readdirSync(kept);
        expect(JSON.parse(fs.readFileSync(path.join(kept, file), "utf8"))).toStrictEqual(objects);
        // WHEN the next process expands the same release, THEN it reads what was kept (here, marked by hand)
        fs.writeFileSync(path.join(kept, file), JSON.stringify([{ source: "kept", hook: false, object: {} }]));
        expect(await next.expandRelease(tagged)).toStrictEqual([{ source: "kept", hook: false, object: {} }]);
        // AND other values are expanded afresh; a failure is not kept
        expect((await next.expandRelease(release({ fullnameOverride: "other" }))).length).toBeGreaterThan(1);
        await next.expandRelease(release({ privateKeyAnnotations: { a: 1 } })).catch(() => undefined);
        expect(fs.readdirSync(kept)).toHaveLength(2);
        vi.unstubAllEnvs();
    }, 60_000);

    it("names the release and the chart's own message when a template fails, and refuses a version other than the pinned one", async () => {
        // The chart's message as the tool printed it: not the command line, no trailing line break.
        // From a module of its own: under npm run mutate, an expansion kept from an earlier run would answer.
        const fresh = await loadedWith(process.env.PATH ?? "");
        const failure = (await fresh.expandRelease(release({ privateKeyAnnotations: { a: 1 } })).catch((e: unknown) => e)) as Error;
        expect(failure.message).toMatch(new RegExp(`^minihelm: expanding sealed-secrets \\(sealed-secrets ${charts.sealedSecrets.version}\\) failed: [^\\n]*Annotation values have to be strings$`));
        await expect(expandRelease({ ...release(), version: "0.0.1" })).rejects.toThrow(`is sealed-secrets ${charts.sealedSecrets.version}, but the release pins 0.0.1`);
        await expect(expandRelease({ ...release(), chart: "no-such-chart" })).rejects.toThrow(/expanding sealed-secrets \(no-such-chart .*\): no chart no-such-chart [\d.]+ here \(looked in [^)]*minihelm\/charts[^)]*\); npm run chart-keys fetches it$/);
    }, 60_000);

    it("expands for the release's cluster version, which the chart holds to its kubeVersion as Helm does", async () => {
        // sealed-secrets' Chart.yaml: kubeVersion >=1.16.0-0.
        await expect(expandRelease({ ...release(), kubernetes: "1.15" })).rejects.toThrow(/chart requires kubeVersion: >=1\.16\.0-0 which is incompatible with Kubernetes v?1\.15\.0/);
        expect((await expandRelease({ ...release(), kubernetes: "1.16" })).length).toBeGreaterThan(1);
    }, 60_000);
});

describe.skipIf(skipExpansion)(expansionTitle("expandRelease with helm on PATH"), () => {
    // A helm that renders with minihelm and takes helm's arguments, and only those (see the file).
    const shim = path.join(ROOT, "test/fixtures/helm");
    async function withHelm(): Promise<typeof import("../../render/charts.js")> {
        const loaded = await loadedWith([shim, process.env.PATH].join(path.delimiter));
        vi.stubEnv("MINIHELM", await minihelm());
        return loaded;
    }
    afterEach(() => vi.unstubAllEnvs());

    it("asks helm template for what minihelm expands: the CRDs, objects only the CRDs' API groups enable, the namespace, the values, hooks flagged", async () => {
        const helm = await withHelm();
        expect(helm.HELM).toBe(path.join(shim, "helm"));
        const sealedSecrets = release({ fullnameOverride: "sealed-secrets-controller" });
        const argocd: ReleaseToExpand = { name: "argocd", namespace: "argocd", ...charts.argoCd, values: { controller: { metrics: { enabled: true, serviceMonitor: { enabled: true } } } }, kubernetes };
        for (const release of [sealedSecrets, argocd]) {
            const [viaHelm, viaMinihelm] = await Promise.all([helm.expandRelease(release), expandRelease(release)]);
            expect(unbroken(viaHelm), release.name).toStrictEqual(unbroken(viaMinihelm));
        }
        const kinds = async (release: ReleaseToExpand) => (await expandRelease(release)).map((o) => o.object.kind);
        expect(await kinds(sealedSecrets)).toContain("CustomResourceDefinition");
        expect(await kinds(argocd)).toContain("ServiceMonitor");
        expect((await expandRelease(argocd)).some((o) => o.hook)).toBe(true);
    }, 60_000);

    it("fetches a chart not kept here from its repository at the pinned version, and says what helm said when that fails", async () => {
        const helm = await withHelm();
        const elsewhere = { ...release(), chart: "no-such-chart" };
        await expect(helm.expandRelease(elsewhere)).rejects.toThrow(
            `helm template: expanding sealed-secrets (no-such-chart ${elsewhere.version}) failed: Error: chart "no-such-chart" version "${elsewhere.version}" not found in ${elsewhere.repository} repository`,
        );
    });
});
