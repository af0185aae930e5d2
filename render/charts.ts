/**
 * Expands a Helm release as Helm does: with the real `helm template` when helm is on PATH (from
 * `../shared/tools/minihelm/charts`, or from the chart's repository when that is not here),
 * otherwise with `../shared/tools/minihelm`, an offline stand-in with Helm v3.20.2's semantics
 * (see its README), built once into node_modules/.cache. Hooks are kept and flagged.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { CLUSTER_API_VERSIONS } from "../core/catalogue";
import { chartDir, chartFolders } from "./chartSources";
import { PROJECT_DIR, sharedDir } from "./layout";

const MINIHELM = path.join(sharedDir(), "tools", "minihelm");

/**
 * The first executable called `name` on PATH. Only absolute entries count: an empty or relative
 * one would pick up whatever the working directory holds (Go's exec.LookPath refuses the same).
 */
function onPath(name: string): string | undefined {
    // Stryker disable next-line StringLiteral: any text in place of an unset PATH holds no absolute entry, so finds nothing, as no PATH does
    for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter((entry) => path.isAbsolute(entry))) {
        const candidate = path.join(dir, name);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            if (fs.statSync(candidate).isFile()) return candidate;
        } catch {
            // not here
        }
    }
    return undefined;
}

export const HELM = onPath("helm");
const GO = onPath("go");

/** Why charts cannot be expanded here, or undefined when they can: helm, or Go and the stand-in's sources. */
export const cannotExpand: string | undefined = HELM
    ? undefined
    : !fs.existsSync(path.join(MINIHELM, "build.sh"))
      ? `helm is not on PATH and ${MINIHELM} (its stand-in) is not here`
      : GO === undefined
        ? "neither helm nor go (apt-get install golang-go and the libraries .ci/run lists, to build minihelm) is on PATH"
        : undefined;

/** Kinds without a namespace among Kubernetes' own generally available APIs (`kubectl api-resources --namespaced=false`). */
const BUILT_IN_CLUSTER_SCOPED = new Set([
    ...["APIService", "CSIDriver", "CSINode", "CertificateSigningRequest", "ClusterRole", "ClusterRoleBinding", "ComponentStatus", "CustomResourceDefinition", "FlowSchema"],
    ...["IngressClass", "MutatingWebhookConfiguration", "Namespace", "Node", "PersistentVolume", "PriorityClass", "PriorityLevelConfiguration", "RuntimeClass"],
    ...["SelfSubjectAccessReview", "SelfSubjectReview", "SelfSubjectRulesReview", "StorageClass", "SubjectAccessReview", "TokenReview"],
    ...["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration", "VolumeAttachment"],
]);

/** The API group of an `apiVersion`: "" for the core group (`v1`). */
export function apiGroup(apiVersion: unknown): string {
    return String(apiVersion ?? "").includes("/") ? String(apiVersion).split("/")[0] : "";
}

/** Kubernetes' own groups (core, apps, batch, `*.k8s.io`...) hold no custom resources. */
function isBuiltInGroup(group: string): boolean {
    return !group.includes(".") || group.endsWith(".k8s.io");
}

/** The scope of each custom kind, `<group>/<Kind>` to `Cluster` or `Namespaced`, as its CRD's `spec.scope` says. */
export type CrdScopes = ReadonlyMap<string, string>;

/** The scopes the CRDs among `objects` declare. */
export function crdScopes(objects: Iterable<Record<string, any>>): CrdScopes {
    const scopes = new Map<string, string>();
    for (const o of objects) if (o.kind === "CustomResourceDefinition") scopes.set(`${o.spec?.group}/${o.spec?.names?.kind}`, o.spec?.scope);
    return scopes;
}

/**
 * The namespace an object of a release lives in: its own, the release's when it has none (as
 * Chart v4 sets it), or none for a cluster-scoped kind. A custom kind's scope is its CRD's, from
 * `scopes` (the CRDs of the cluster's charts), as Chart v4 learns it from the CRDs in the program
 * and on the cluster (pulumi-kubernetes provider/pkg/clients/clients.go, IsNamespacedKind).
 * Throws for a custom kind no CRD of the cluster defines: the API server would refuse it too.
 */
export function namespaceIn(object: Record<string, any>, releaseNamespace: string, scopes: CrdScopes = new Map()): string | undefined {
    const group = apiGroup(object.apiVersion);
    let clusterScoped: boolean;
    if (isBuiltInGroup(group)) {
        clusterScoped = BUILT_IN_CLUSTER_SCOPED.has(object.kind);
    } else {
        const scope = scopes.get(`${group}/${object.kind}`);
        if (scope === undefined) throw new Error(`${object.kind} ${object.metadata?.name} (${object.apiVersion}): no CRD of the cluster's charts defines ${group}/${object.kind}`);
        clusterScoped = scope === "Cluster";
    }
    return clusterScoped ? undefined : (object.metadata?.namespace ?? releaseNamespace);
}

/** A release to expand: what Chart v4 passes to Helm. */
export interface ReleaseToExpand {
    readonly name: string;
    readonly namespace: string;
    readonly chart: string;
    readonly version: string;
    /** The chart repository, for helm when the chart is not under minihelm/charts. */
    readonly repository: string;
    readonly values: unknown;
    /**
     * The cluster's Kubernetes minor version (`1.34`), which the chart sees as
     * `.Capabilities.KubeVersion` and holds to its `kubeVersion`: Chart v4 reads it from the
     * cluster's discovery (pulumi-kubernetes, provider/pkg/provider/helm/v4/chart.go,
     * setKubeVersionAndAPIVersions), here from the model's `cluster.kubernetes`.
     */
    readonly kubernetes: string;
}

/** One object the chart renders. */
export interface ExpandedObject {
    /** The template it comes from, e.g. `kube-prometheus-stack/templates/prometheus/prometheus.yaml`. */
    readonly source: string;
    /** True for a Helm hook (`helm.sh/hook`), which Chart v4 never applies. */
    readonly hook: boolean;
    readonly object: Record<string, any>;
}

/** Runs a program; rejects with its stderr when it fails. */
function run(file: string, args: readonly string[], what: string): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(file, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) => {
            if (error) reject(new Error(`${what} failed: ${stderr.trim() || error.message}`));
            else resolve(stdout);
        });
    });
}

let revision: string | undefined;
/** The hash of minihelm's sources: what names its build, and the expansions it makes. */
function minihelmRevision(): string {
    revision ??= (() => {
        const hash = createHash("sha256");
        // Stryker disable next-line MethodExpression,ArrowFunction: the hash only names the cached build; hashing other files too rebuilds more often, with the same result
        for (const file of fs.readdirSync(MINIHELM).filter((f) => f.endsWith(".go")).sort()) hash.update(fs.readFileSync(path.join(MINIHELM, file)));
        // Stryker disable next-line StringLiteral,MethodExpression: how long a name the build and the expansions are kept by changes only where they are found again
        return hash.digest("hex").slice(0, 16);
    })();
    return revision;
}

let minihelmBuild: Promise<string> | undefined;
/** Builds minihelm once per source revision; concurrent processes each write a file of their own and rename it into place. */
export function minihelm(): Promise<string> {
    minihelmBuild ??= (async () => {
        // Stryker disable next-line StringLiteral: where the build is kept changes only where it is found again
        const target = path.join(PROJECT_DIR, "node_modules", ".cache", "gitops-minihelm", minihelmRevision(), "minihelm");
        // Stryker disable next-line ConditionalExpression: always building only repeats the build; never building shows only where no build is cached yet (a fresh clone, as in CI), never under npm run mutate
        if (fs.existsSync(target)) return target;
        // Stryker disable next-line ObjectLiteral,BooleanLiteral: only the first build of a clone creates the cache's folders (CI, on every push); under npm run mutate they exist
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const partial = `${target}.${process.pid}`;
        await run("bash", [path.join(MINIHELM, "build.sh"), partial], `building minihelm (install its Debian build dependencies as .ci/run does, see ${MINIHELM}/README.md)`);
        fs.renameSync(partial, target);
        return target;
    })();
    return minihelmBuild;
}


/** `helm template` output: `# Source:` comments and YAML documents. */
export function parseHelmTemplate(text: string): ExpandedObject[] {
    const expanded: ExpandedObject[] = [];
    // helm prints a chart's crds/ files whole, so a CRD file's own `---` lines start documents
    // that have no `# Source:` line: theirs is the last one printed.
    // Stryker disable next-line StringLiteral: helm prints a `# Source:` line before its first document
    let source = "";
    // Stryker disable next-line Regex: helm prints each separator as a bare `---` line and indents every value's lines, so only the line start is ever at stake (tested)
    for (const doc of text.split(/^---\s*$/m)) {
        source = /^# Source: (.+)/m.exec(doc)?.[1] ?? source;
        const object = yaml.load(doc) as Record<string, any> | null;
        if (object !== null && typeof object === "object") expanded.push({ source, object, hook: object.metadata?.annotations?.["helm.sh/hook"] !== undefined });
    }
    return expanded;
}

async function expandUncached(release: ReleaseToExpand): Promise<ExpandedObject[]> {
    // Stryker disable next-line StringLiteral: the prefix only names the temporary folder
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "expand-"));
    try {
        const valuesFile = path.join(dir, "values.yaml");
        fs.writeFileSync(valuesFile, yaml.dump(release.values));
        const local = chartDir(release);
        const what = `expanding ${release.name} (${release.chart} ${release.version})`;
        if (HELM) {
            const chart = local ? [local] : [release.chart, "--repo", release.repository, "--version", release.version];
            const args = ["template", release.name, ...chart, "--namespace", release.namespace, "--values", valuesFile, "--include-crds", "--kube-version", `${release.kubernetes}.0`];
            // The API versions of the CRDs the platform installs, which Chart v4 finds on the cluster.
            for (const apiVersion of CLUSTER_API_VERSIONS) args.push("--api-versions", apiVersion);
            return parseHelmTemplate(await run(HELM, args, `helm template: ${what}`));
        }
        if (!local) throw new Error(`${what}: no chart ${release.chart} ${release.version} here (looked in ${chartFolders(release).join(", ")}); npm run chart-keys fetches it`);
        const args = ["--chart", local, "--release", release.name, "--namespace", release.namespace, "--values", valuesFile, "--kube-version", `${release.kubernetes}.0`, "--output", "json"];
        const out = await run(await minihelm(), args, `minihelm: ${what}`);
        // minihelm drops empty documents itself, and gives a hook's kind only for a hook.
        return (JSON.parse(out) as { source: string; hook?: string; object: Record<string, any> }[]).map((d) => ({ source: d.source, hook: typeof d.hook === "string", object: d.object }));
    } finally {
        fs.rmSync(dir, { recursive: true });
    }
}

/** The code that expands: an edit to it keeps expansions of its own. */
const EXPANDER = createHash("sha256").update(fs.readFileSync(__filename)).digest("hex");

/** Where expansions are kept across processes: GITOPS_EXPANSION_CACHE, else the checkout's node_modules/.cache. */
function expansionCache(): string {
    return process.env.GITOPS_EXPANSION_CACHE ?? path.join(PROJECT_DIR, "node_modules", ".cache", "gitops-expansions");
}

/**
 * What `release` renders, kept on disk by all that decides it: the tool (helm by its path,
 * minihelm by its sources' hash), the code that expands, and the release with its values. A
 * failure is not kept.
 */
async function expandKept(release: ReleaseToExpand): Promise<ExpandedObject[]> {
    if (cannotExpand) throw new Error(`cannot expand ${release.name}: ${cannotExpand}`);
    // The tool by what it is, not where: a copy of the checkout (npm run diff's) shares the expansions.
    const tool = HELM ?? `minihelm ${minihelmRevision()}`;
    const file = path.join(expansionCache(), `${createHash("sha256").update(JSON.stringify([tool, EXPANDER, release])).digest("hex").slice(0, 32)}.json`);
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as ExpandedObject[];
    const objects = await expandUncached(release);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Concurrent processes each write a file of their own and rename it into place.
    fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify(objects));
    fs.renameSync(`${file}.${process.pid}`, file);
    return objects;
}

const expansions = new Map<string, Promise<ExpandedObject[]>>();
/** The objects a release renders, expanded once per process for the same release and values, and kept on disk for the next. */
export function expandRelease(release: ReleaseToExpand): Promise<ExpandedObject[]> {
    const key = JSON.stringify([release.name, release.namespace, release.chart, release.version, release.repository, release.values, release.kubernetes]);
    let expansion = expansions.get(key);
    if (!expansion) {
        expansion = expandKept(release);
        expansions.set(key, expansion);
    }
    return expansion;
}
