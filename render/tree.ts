/**
 * Turns the recorded registrations into the files of an offline render: one YAML file per
 * Kubernetes object, and a release plus its values (and, with --charts, its objects) per Helm
 * chart. Plaintext never gets in.
 */
import { createHash } from "node:crypto";
import { SECRET_PLACEHOLDER, toYaml } from "../core/objects";
import { type AppliedCharts, appliedProgramObjects, containsSecret, recordedReleases } from "./applied";
import { NOT_EXPANDED, OTHER_CLUSTERS } from "./layout";
import type { RecordedResource } from "./mockRuntime";

/** The tree with `files` added, in path order. */
export function withFiles(tree: RenderedTree, files: Readonly<Record<string, string>>): RenderedTree {
    // Stryker disable next-line EqualityOperator: the paths are a Map's keys, so no two are equal
    return { ...tree, files: new Map([...tree.files, ...Object.entries(files)].sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/** What a secret value becomes in a rendered chart's values. */
export const REDACTED = SECRET_PLACEHOLDER;

export interface RenderedTree {
    /** Relative path to file content. */
    readonly files: ReadonlyMap<string, string>;
    /** One line per object left out, saying why. */
    readonly notes: readonly string[];
}

/** Where an object stands in a render tree: `<namespace or _cluster>/<kind>/<name>.yaml`. */
export function objectPath(object: Record<string, any>, namespace: string | undefined): string {
    return `${namespace ?? "_cluster"}/${String(object.kind).toLowerCase()}/${object.metadata.name}.yaml`;
}


/** What a patch's file says first: it changes the object there, server-side apply, and makes one only where none is. */
const PATCH_HEADER = (kind: string) => `# A ${kind}Patch: pulumi up applies these fields to the ${kind} of this name (server-side apply), creating it only where none exists.\n`;

/** The YAML of chart objects by their content: a process that renders many stacks or commits (npm run diff's) writes each object once. */
const chartObjectYaml = new Map<string, string>();

function yamlOfChartObject(object: Record<string, any>): string {
    const key = createHash("sha256").update(JSON.stringify(object)).digest("base64");
    let text = chartObjectYaml.get(key);
    if (text === undefined) {
        text = toYaml(object);
        chartObjectYaml.set(key, text);
    }
    return text;
}

/**
 * Builds the render tree from every resource the program registered, each object as Pulumi
 * applies it (through its transforms), and with `charts` what each chart renders. With
 * `kubernetes`, each release says the cluster version its chart is rendered for.
 */
export async function renderTree(resources: readonly RecordedResource[], charts: AppliedCharts = { objects: [], notExpanded: [] }, kubernetes?: string): Promise<RenderedTree> {
    const files = new Map<string, string>();
    const notes: string[] = [];
    const add = (path: string, content: string) => {
        if (files.has(path)) throw new Error(`two rendered objects share the path ${path}; names must be unique per namespace and kind`);
        files.set(path, content);
    };
    for (const { release, hasSecrets } of recordedReleases(resources)) {
        const { values, ...meta } = release;
        add(`charts/${release.name}/release.yaml`, toYaml(kubernetes === undefined ? meta : { ...meta, kubernetes }));
        const header = hasSecrets ? `# Secret values are shown as "${REDACTED}"; pulumi up passes them to Helm.\n` : "";
        add(`charts/${release.name}/values.yaml`, header + toYaml(values));
    }
    for (const { object, patch, cluster } of await appliedProgramObjects(resources)) {
        if (containsSecret(object)) {
            notes.push(`left out ${object.kind} ${object.metadata.namespace}/${object.metadata.name}: it holds plaintext secret data (pulumi up creates it from stack config)`);
            continue;
        }
        // What goes into another cluster (a hub's spoke) stands under that cluster's folder.
        const at = cluster === undefined ? "" : `${OTHER_CLUSTERS}/${cluster}/`;
        if (patch) add(at + objectPath({ ...object, kind: `${object.kind}Patch` }, object.metadata.namespace), `${PATCH_HEADER(object.kind)}${toYaml(object)}`);
        else add(at + objectPath(object, object.metadata.namespace), toYaml(object));
    }
    for (const { object, namespace, release } of charts.objects) add(`charts/${release.name}/objects/${objectPath(object, namespace)}`, yamlOfChartObject(object));
    for (const { release, reason } of charts.notExpanded) {
        add(`charts/${release}/${NOT_EXPANDED}`, `${reason}\n`);
        notes.push(`release ${release}: its objects are not rendered: ${reason}`);
    }
    // Stryker disable next-line EqualityOperator: the paths are a Map's keys, so no two are equal
    return { files: new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))), notes: notes.sort() };
}
