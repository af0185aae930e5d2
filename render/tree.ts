/**
 * Turns the recorded registrations into the files of an offline render: one YAML file per
 * Kubernetes object, and a release plus its values per Helm chart. Plaintext never gets in.
 */
import * as yaml from "js-yaml";
import { SECRET_PLACEHOLDER, toYaml } from "../core/objects";
import { isSecretValue, type RecordedResource } from "./mockRuntime";

const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";
/** What a secret value becomes in a rendered chart's values. */
export const REDACTED = SECRET_PLACEHOLDER;

export interface RenderedTree {
    /** Relative path to file content. */
    readonly files: ReadonlyMap<string, string>;
    /** One line per object left out, saying why. */
    readonly notes: readonly string[];
}

function containsSecret(value: unknown): boolean {
    if (isSecretValue(value)) return true;
    if (Array.isArray(value)) return value.some(containsSecret);
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
    return false;
}

/** Replaces every secret (or, with `all`, every leaf) by the placeholder. */
function redact(value: unknown, all = false): unknown {
    if (isSecretValue(value)) return REDACTED;
    if (Array.isArray(value)) return value.map((v) => redact(v, all));
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, all)]));
    return all ? REDACTED : value;
}

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Deep-merges `overlay` into `base` as Helm merges values files. */
function merge(base: unknown, overlay: unknown): unknown {
    if (!isMap(base) || !isMap(overlay)) return overlay;
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(overlay)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
}

/** The values of a recorded Chart as Helm gets them: `values` plus the secret values files, secrets redacted. */
export async function chartValues(inputs: Record<string, any>): Promise<{ values: unknown; hasSecrets: boolean }> {
    let values = redact(inputs.values ?? {});
    let hasSecrets = containsSecret(inputs.values);
    const files = isSecretValue(inputs.valueYamlFiles) ? inputs.valueYamlFiles.value : (inputs.valueYamlFiles ?? []);
    for (const asset of files as { text: Promise<string> }[]) {
        values = merge(values, redact(yaml.load(await asset.text), isSecretValue(inputs.valueYamlFiles)));
        hasSecrets ||= isSecretValue(inputs.valueYamlFiles);
    }
    return { values, hasSecrets };
}

/** Where an object stands in a render tree: `<namespace or _cluster>/<kind>/<name>.yaml`. */
export function objectPath(object: Record<string, any>, namespace: string | undefined): string {
    return `${namespace ?? "_cluster"}/${String(object.kind).toLowerCase()}/${object.metadata.name}.yaml`;
}

/** Builds the render tree from every resource the program registered. */
export async function renderTree(resources: readonly RecordedResource[]): Promise<RenderedTree> {
    const files = new Map<string, string>();
    const notes: string[] = [];
    const add = (path: string, content: string) => {
        if (files.has(path)) throw new Error(`two rendered objects share the path ${path}; names must be unique per namespace and kind`);
        files.set(path, content);
    };
    for (const r of resources) {
        if (r.type === CHART_TYPE) {
            const i = r.inputs as Record<string, any>;
            const release = { name: i.name, namespace: i.namespace, chart: i.chart, version: i.version, repository: i.repositoryOpts?.repo };
            add(`charts/${i.name}/release.yaml`, toYaml(release));
            const { values, hasSecrets } = await chartValues(i);
            const header = hasSecrets ? `# Secret values are shown as "${REDACTED}"; pulumi up passes them to Helm.\n` : "";
            add(`charts/${i.name}/values.yaml`, header + toYaml(values));
        } else if (r.custom && r.type.startsWith("kubernetes:")) {
            const object = r.inputs as Record<string, any>;
            if (containsSecret(object)) {
                notes.push(`left out ${object.kind} ${object.metadata.namespace}/${object.metadata.name}: it holds plaintext secret data (pulumi up creates it from stack config)`);
                continue;
            }
            add(objectPath(object, object.metadata.namespace), toYaml(object));
        }
    }
    // Stryker disable next-line EqualityOperator: the paths are a Map's keys, so no two are equal
    return { files: new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))), notes: notes.sort() };
}
