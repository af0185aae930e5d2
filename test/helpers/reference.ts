/**
 * Judges made of upstream data (../shared/reference, see its README): the CRD schemas, the
 * charts' default values and Argo CD's casbin model. Tests compare what the core builds with
 * these, never with expectations copied from the core itself.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import type { RegExpEngine } from "ajv/dist/types";
import { type Adapter, type Enforcer, type Model, newEnforcer, newModelFromString } from "casbin";
import * as yaml from "js-yaml";

/**
 * The upstream reference data: `shared/reference` beside the checkout (as CI lays it out), or
 * wherever GITOPS_SHARED_DIR points.
 */
export const REFERENCE = path.join(process.env.GITOPS_SHARED_DIR ?? path.join(__dirname, "../../../shared"), "reference");
if (!fs.existsSync(REFERENCE)) {
    throw new Error(`${REFERENCE} not found: the tests judge artifacts against shared/reference; clone the project beside shared/ or set GITOPS_SHARED_DIR`);
}

function readReference(...parts: string[]): string {
    return fs.readFileSync(path.join(REFERENCE, ...parts), "utf8");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// 1. CRD schemas
// ---------------------------------------------------------------------------------------------

/** The subset of an OpenAPI v3 structural schema the strict walker needs. */
export interface CrdSchema {
    type?: string;
    properties?: Record<string, CrdSchema>;
    items?: CrdSchema;
    additionalProperties?: boolean | CrdSchema;
    required?: string[];
    "x-kubernetes-preserve-unknown-fields"?: boolean;
    "x-kubernetes-embedded-resource"?: boolean;
    [keyword: string]: unknown;
}

/**
 * Go's RE2 knows inline flags (`(?i)`), JavaScript does not: a pattern such as Argo CD's
 * `^(?i)(abort|warn)?$` makes ajv throw. Strip every `(?i)` and make the whole expression
 * case-insensitive instead (for a flag that is not leading this accepts a little more than Go).
 */
const goRegExp: RegExpEngine = Object.assign(
    (pattern: string, flags: string) => {
        const stripped = pattern.replace(/\(\?i\)/g, "");
        return new RegExp(stripped, stripped === pattern ? flags : `${flags}i`);
    },
    { code: "goRegExp" },
);

/** One ajv for every CRD; `optimize: false` halves the compile time of the 1.4 MB ApplicationSet schema. */
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { optimize: false, regExp: goRegExp } });

const CRD_DIR = path.join(REFERENCE, "crds");

/** `kind` → CRD file, found from the raw text so that only the files a test needs are parsed. */
let crdFilesByKind: Map<string, string> | undefined;
function crdFileFor(kind: string): string {
    if (!crdFilesByKind) {
        crdFilesByKind = new Map();
        for (const project of fs.readdirSync(CRD_DIR)) {
            for (const file of fs.readdirSync(path.join(CRD_DIR, project)).filter((f) => f.endsWith(".yaml"))) {
                const full = path.join(CRD_DIR, project, file);
                const names = /\n {2}names:\n(?: {4}.*\n)*? {4}kind: (\w+)\n/.exec(fs.readFileSync(full, "utf8"));
                if (names) crdFilesByKind.set(names[1], full);
            }
        }
    }
    const file = crdFilesByKind.get(kind);
    if (!file) throw new Error(`no CRD for kind ${kind} under ${CRD_DIR}`);
    return file;
}

interface CrdDocument {
    kind?: string;
    spec: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema: CrdSchema } }[] };
}

/** Each CRD file is read and parsed at most once per test file. */
const parsedCrds = new Map<string, CrdDocument[]>();
function crdDocuments(file: string): CrdDocument[] {
    let docs = parsedCrds.get(file);
    if (!docs) {
        // js-yaml 4 follows YAML 1.2: the unquoted `- =` enum items of AlertmanagerConfig are strings.
        docs = (yaml.loadAll(fs.readFileSync(file, "utf8")) as CrdDocument[]).filter((d) => d?.kind === "CustomResourceDefinition");
        parsedCrds.set(file, docs);
    }
    return docs;
}

/** `openAPIV3Schema` of `<group>/<version>` `kind`, from `../shared/reference/crds/` only (never crds-optional). */
export function crdSchema(apiVersion: string, kind: string): CrdSchema {
    for (const crd of crdDocuments(crdFileFor(kind))) {
        if (crd.spec.names.kind !== kind) continue;
        const version = crd.spec.versions.find((v) => `${crd.spec.group}/${v.name}` === apiVersion);
        if (version?.schema) return version.schema.openAPIV3Schema;
    }
    throw new Error(`the CRD of ${kind} does not serve ${apiVersion}`);
}

const validators = new Map<string, ValidateFunction>();
function validatorFor(apiVersion: string, kind: string): ValidateFunction {
    const key = `${apiVersion}/${kind}`;
    let validate = validators.get(key);
    if (!validate) {
        validate = ajv.compile(crdSchema(apiVersion, kind));
        validators.set(key, validate);
    }
    return validate;
}

/**
 * Every field of `value` that `schema` does not declare, as JSON paths. An API server would
 * silently prune these (so a misspelled field is simply lost); a JSON-schema validator lets them
 * through. Objects with `additionalProperties` or `x-kubernetes-preserve-unknown-fields` allow
 * any key.
 */
export function undeclaredFields(schema: CrdSchema, value: unknown, at = "$"): string[] {
    if (schema["x-kubernetes-preserve-unknown-fields"] === true) return [];
    if (Array.isArray(value)) {
        return schema.items ? value.flatMap((item, i) => undeclaredFields(schema.items as CrdSchema, item, `${at}[${i}]`)) : [];
    }
    if (!isPlainObject(value)) return [];
    // An embedded resource gets apiVersion, kind and metadata implicitly, like a top-level one.
    const implicit = schema["x-kubernetes-embedded-resource"] === true ? ["apiVersion", "kind", "metadata"] : [];
    const problems: string[] = [];
    for (const [key, child] of Object.entries(value)) {
        const where = `${at}.${key}`;
        const declared = schema.properties?.[key];
        if (implicit.includes(key) && !declared) {
            continue;
        } else if (declared) {
            problems.push(...undeclaredFields(declared, child, where));
        } else if (isPlainObject(schema.additionalProperties)) {
            problems.push(...undeclaredFields(schema.additionalProperties, child, where));
        } else if (schema.additionalProperties !== true) {
            problems.push(`${where} is not declared by the schema`);
        }
    }
    return problems;
}

/**
 * Validates a custom resource as the API server would, and stricter: ajv against the CRD's
 * schema (types, `required`, enums, patterns) plus every field declared. `metadata` of the
 * resource itself is `{type: object}` in every CRD (the API server checks ObjectMeta on its own),
 * so its keys are not walked. Returns the problems; none means valid.
 */
export function customResourceProblems(object: { apiVersion: string; kind: string; [field: string]: unknown }): string[] {
    const validate = validatorFor(object.apiVersion, object.kind);
    const problems = validate(object) ? [] : (validate.errors ?? []).map((e) => `$${e.instancePath.replace(/\//g, ".")} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
    const { metadata: _metadata, ...rest } = object;
    problems.push(...undeclaredFields(crdSchema(object.apiVersion, object.kind), rest));
    return problems;
}

/**
 * Problems of one field of a custom resource's spec (`path` from the root, e.g. `["spec",
 * "ruleSelector"]`): for chart values that a chart copies verbatim into a CR, such as
 * kube-prometheus-stack's `prometheus.prometheusSpec.*`. Only that field's sub-schema is compiled.
 */
export function crdFieldProblems(apiVersion: string, kind: string, fieldPath: readonly string[], value: unknown): string[] {
    let schema: CrdSchema | undefined = crdSchema(apiVersion, kind);
    for (const key of fieldPath) schema = schema?.properties?.[key];
    if (!schema) return [`${kind} ${apiVersion} has no field ${fieldPath.join(".")}`];
    const key = `${apiVersion}/${kind}#${fieldPath.join(".")}`;
    let validate = validators.get(key);
    if (!validate) {
        validate = ajv.compile(schema);
        validators.set(key, validate);
    }
    const at = `$.${fieldPath.join(".")}`;
    const problems = validate(value) ? [] : (validate.errors ?? []).map((e) => `${at}${e.instancePath.replace(/\//g, ".")} ${e.message ?? e.keyword}`);
    return [...problems, ...undeclaredFields(schema, value, at)];
}

// ---------------------------------------------------------------------------------------------
// 2. Chart default values
// ---------------------------------------------------------------------------------------------

export interface ChartReference {
    name: string;
    version: string;
    defaults: Record<string, unknown>;
}

/** `charts/<chart>/Chart.yaml` and `values.yaml`. */
export function chartReference(chart: string): ChartReference {
    const meta = yaml.load(readReference("charts", chart, "Chart.yaml")) as { name: string; version: string };
    const defaults = (yaml.load(readReference("charts", chart, "values.yaml")) ?? {}) as Record<string, unknown>;
    return { name: meta.name, version: String(meta.version), defaults };
}

/** Default values of a subchart under `charts/<chart>/subcharts/<subchart>/values.yaml`. */
export function subchartDefaults(chart: string, subchart: string): Record<string, unknown> {
    return (yaml.load(readReference("charts", chart, "subcharts", subchart, "values.yaml")) ?? {}) as Record<string, unknown>;
}

/** Helm's coalescing of a parent chart's `<subchart>:` values over the subchart's own defaults. */
export function coalesce(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
    const result: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) {
        result[key] = isPlainObject(value) && isPlainObject(result[key]) ? coalesce(result[key] as Record<string, unknown>, value) : value;
    }
    return result;
}

/** A values key path, one element per object level: dots inside a key are part of the key. */
export type KeyPath = readonly string[];

export interface ValuesRules {
    /**
     * Maps passed through as free-form data (argocd-cm, argocd-cmd-params-cm, selectors...),
     * even when the defaults list some keys: any child key is allowed.
     */
    readonly openMaps?: readonly KeyPath[];
    /**
     * Keys that are only commented out in values.yaml (or not there at all) although the
     * templates read them, with the type they must have.
     */
    readonly commentedOut?: readonly { path: KeyPath; type: ValueType | readonly ValueType[] }[];
}

export type ValueType = "map" | "list" | "string" | "bool" | "number" | "null";

export function valueType(value: unknown): ValueType {
    if (value === null || value === undefined) return "null";
    if (Array.isArray(value)) return "list";
    if (typeof value === "object") return "map";
    if (typeof value === "boolean") return "bool";
    if (typeof value === "number") return "number";
    return "string";
}

/** `configs.rbac."policy.csv"`: unambiguous even with dotted keys. */
export function formatKeyPath(keys: KeyPath): string {
    return keys.map((k) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k))).join(".");
}

const samePath = (a: KeyPath, b: KeyPath) => a.length === b.length && a.every((k, i) => k === b[i]);

/** An empty default: null, `""`, `{}`, `[]`. Its type says nothing about what may go there. */
function isEmptyDefault(value: unknown): boolean {
    return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);
}

/**
 * Every key path of `values` that the chart's defaults do not have, or whose type differs from
 * the default, following the README: split only on object nesting; `{}` defaults and the listed
 * open maps take any child key (a child the defaults do list is still checked); lists are
 * checked for their type only; commented-out keys come from an explicit allow-list. Scalars are
 * compared when the default is not null or empty; `{}` and `[]` still say map and list.
 */
export function valuesKeyProblems(values: Record<string, unknown>, defaults: Record<string, unknown>, rules: ValuesRules = {}, at: KeyPath = [], open = false): string[] {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const keyPath = [...at, key];
        const where = formatKeyPath(keyPath);
        const actual = valueType(value);
        if (!Object.hasOwn(defaults, key)) {
            const commented = rules.commentedOut?.find((c) => samePath(c.path, keyPath));
            if (commented) {
                const allowed: readonly ValueType[] = typeof commented.type === "string" ? [commented.type] : commented.type;
                if (!allowed.includes(actual)) problems.push(`${where}: the templates read a ${allowed.join(" or ")}, got ${actual}`);
            } else if (!open) {
                problems.push(`${where}: no such key in the chart's values.yaml`);
            }
            continue;
        }
        const fallback = defaults[key];
        if (fallback === null || fallback === undefined) continue;
        const expected = valueType(fallback);
        if (expected === "list" || expected === "map") {
            if (actual !== expected) {
                problems.push(`${where}: the chart's default is a ${expected}, got ${actual}`);
                continue;
            }
        } else if (!isEmptyDefault(fallback) && actual !== expected) {
            problems.push(`${where}: the chart's default is a ${expected} (${JSON.stringify(fallback)}), got ${actual}`);
            continue;
        }
        if (actual !== "map") continue;
        const childrenOpen = isEmptyDefault(fallback) || (rules.openMaps?.some((p) => samePath(p, keyPath)) ?? false);
        problems.push(...valuesKeyProblems(value as Record<string, unknown>, fallback as Record<string, unknown>, rules, keyPath, childrenOpen));
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------
// 3. Argo CD RBAC with casbin
// ---------------------------------------------------------------------------------------------

/**
 * Argo CD's `glob` match mode (`util/glob`, gobwas/glob compiled without separators): `*` matches
 * any run of characters, `/` included; `?` one character; `[...]`/`[!...]` classes; `{a,b}`
 * alternatives; `\` escapes. A pattern that does not compile matches nothing.
 */
export function argoGlobMatch(value: string, pattern: string): boolean {
    let source = "";
    let braces = 0;
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i] as string;
        if (c === "\\") {
            const next = pattern[++i];
            if (next === undefined) return false;
            source += next.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
        } else if (c === "*") {
            source += "[\\s\\S]*";
        } else if (c === "?") {
            source += "[\\s\\S]";
        } else if (c === "[") {
            const end = pattern.indexOf("]", i + 2);
            if (end < 0) return false;
            let body = pattern.slice(i + 1, end);
            const negated = body.startsWith("!");
            if (negated) body = body.slice(1);
            source += `[${negated ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
            i = end;
        } else if (c === "{") {
            braces++;
            source += "(?:";
        } else if (c === "}" && braces > 0) {
            braces--;
            source += ")";
        } else if (c === "," && braces > 0) {
            source += "|";
        } else {
            source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
        }
    }
    if (braces !== 0) return false;
    return new RegExp(`^${source}$`).test(value);
}

/** `policy.matchMode: regex`: casbin's RegexMatchFunc (`regexp.MatchString(pattern, value)`, unanchored). */
export function argoRegexMatch(value: string, pattern: string): boolean {
    return new RegExp(pattern).test(value);
}

/**
 * Argo CD's policy loader (`util/rbac` `loadPolicyLine`): trims each line, skips blank lines and
 * `#` comments, reads one CSV record with leading spaces trimmed, and rejects a line whose type is
 * not in the model (Argo CD then refuses the whole policy).
 */
export function parsePolicyLines(csv: string): string[][] {
    const records: string[][] = [];
    for (const raw of csv.split("\n")) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#")) continue;
        const tokens: string[] = [];
        let field = "";
        let quoted = false;
        let atFieldStart = true;
        for (let i = 0; i < line.length; i++) {
            const c = line[i] as string;
            if (quoted) {
                if (c === '"' && line[i + 1] === '"') {
                    field += '"';
                    i++;
                } else if (c === '"') quoted = false;
                else field += c;
            } else if (c === ",") {
                tokens.push(field);
                field = "";
                atFieldStart = true;
            } else if (atFieldStart && (c === " " || c === "\t")) {
                // TrimLeadingSpace
            } else if (atFieldStart && c === '"') {
                quoted = true;
                atFieldStart = false;
            } else {
                field += c;
                atFieldStart = false;
            }
        }
        if (quoted) throw new Error(`invalid RBAC policy (unterminated quote): ${line}`);
        tokens.push(field);
        records.push(tokens);
    }
    return records;
}

/** An adapter that loads policy text the way Argo CD's `argocdAdapter` does. */
class ArgoCdPolicyAdapter implements Adapter {
    constructor(private readonly policies: readonly string[]) {}

    async loadPolicy(model: Model): Promise<void> {
        for (const policy of this.policies) {
            for (const [key, ...rule] of parsePolicyLines(policy)) {
                const sec = (key ?? "").slice(0, 1);
                const assertion = model.model.get(sec)?.get(key ?? "");
                if (!key || rule.length < 1 || !assertion) throw new Error(`invalid RBAC policy: ${[key, ...rule].join(", ")}`);
                // A `p` line has the fields of policy_definition; a `g` line one per `_` of role_definition.
                const arity = sec === "g" ? assertion.value.split(",").length : assertion.tokens.length;
                if (rule.length !== arity) throw new Error(`invalid RBAC policy (${rule.length} fields, ${key} takes ${arity}): ${[key, ...rule].join(", ")}`);
                model.addPolicy(sec, key, rule);
            }
        }
    }
    async savePolicy(): Promise<boolean> {
        throw new Error("not implemented");
    }
    async addPolicy(): Promise<void> {
        throw new Error("not implemented");
    }
    async removePolicy(): Promise<void> {
        throw new Error("not implemented");
    }
    async removeFilteredPolicy(): Promise<void> {
        throw new Error("not implemented");
    }
}

export interface ArgoCdRbacConfig {
    /** `policy.csv` of argocd-rbac-cm. */
    readonly "policy.csv"?: string;
    /** `policy.default` of argocd-rbac-cm. */
    readonly "policy.default"?: string;
    /** `policy.matchMode` of argocd-rbac-cm: `glob` unless `regex`. */
    readonly "policy.matchMode"?: string;
}

/** What Argo CD reads of an AppProject for RBAC. */
export interface AppProjectLike {
    readonly metadata: { readonly name: string };
    readonly spec?: unknown;
}

/** JWT claims as Argo CD sees them: `sub` is a local account, `admin` or `proj:<project>:<role>`; `groups` come from SSO. */
export interface Claims {
    readonly sub: string;
    readonly groups?: readonly string[];
}

export interface ArgoCdRbac {
    /** Argo CD's answer for a user with these claims doing `action` on `resource` `object` (`EnforceClaims`). */
    allows(claims: Claims, resource: string, action: string, object: string): Promise<boolean>;
    /** `allows` for one subject: a local account, or an SSO group standing for any member of just that group. */
    can(subject: string, resource: string, action: string, object: string): Promise<boolean>;
    /** The bare casbin enforcer of the global policy, without the default role. */
    readonly enforcer: Enforcer;
}

/** `AppProject.ProjectPoliciesString()`: per role, `projects get` on the project, the role's policies, its group bindings. */
export function projectPoliciesString(project: AppProjectLike): string {
    const roles = ((project.spec as { roles?: { name: string; policies?: string[]; groups?: string[] }[] } | undefined)?.roles ?? []);
    const name = project.metadata.name;
    return roles
        .flatMap((role) => [
            `p, proj:${name}:${role.name}, projects, get, ${name}, allow`,
            ...(role.policies ?? []),
            ...(role.groups ?? []).map((group) => `g, ${group}, proj:${name}:${role.name}`),
        ])
        .join("\n");
}

/** Resources whose object is `<project>/<name>` (`getProjectFromRequest`). */
const PROJECT_SCOPED = new Set(["applicationsets", "applications", "repositories", "clusters", "logs", "exec"]);

/**
 * Argo CD's API-server RBAC, emulated around a casbin enforcer with its model
 * (`argocd/model.conf`), its built-in policy and the given argocd-rbac-cm data:
 * - `globOrRegexMatch` is registered for `policy.matchMode` (glob unless regex);
 * - `policy.default` is applied as `util/rbac` `enforce` does: the request is first enforced with
 *   the default role as subject and allowed when that passes, otherwise the subject's own
 *   enforcement decides. So a subject's `deny` cannot take away what the default role grants;
 * - `EnforceClaims`: a request on a project's object adds that project's role policies (runtime
 *   policy); `proj:<project>:<role>` tokens are checked against their own project only; otherwise
 *   `sub` is checked, then each SSO group that appears in a `g` line, each on its own (a deny in
 *   one group's role does not cancel an allow in another group's role).
 */
export async function argoCdRbac(
    config: ArgoCdRbacConfig,
    projects: readonly AppProjectLike[] = [],
    /** Replaces Argo CD's match function, to prove a test depends on it. */
    matchOverride?: (value: string, pattern: string) => boolean,
): Promise<ArgoCdRbac> {
    const modelText = readReference("argocd", "model.conf");
    const builtin = readReference("argocd", "builtin-policy.csv");
    const userPolicy = config["policy.csv"] ?? "";
    const match = matchOverride ?? (config["policy.matchMode"] === "regex" ? argoRegexMatch : argoGlobMatch);
    const defaultRole = config["policy.default"] ?? "";

    const enforcers = new Map<string, Promise<Enforcer>>();
    const enforcerFor = (runtimePolicy: string): Promise<Enforcer> => {
        let enforcer = enforcers.get(runtimePolicy);
        if (!enforcer) {
            enforcer = (async () => {
                const e = await newEnforcer(newModelFromString(modelText), new ArgoCdPolicyAdapter([builtin, userPolicy, runtimePolicy]));
                await e.addFunction("globOrRegexMatch", (value: unknown, pattern: unknown) => typeof value === "string" && typeof pattern === "string" && match(value, pattern));
                return e;
            })();
            enforcers.set(runtimePolicy, enforcer);
        }
        return enforcer;
    };
    const enforce = async (enforcer: Enforcer, subject: string, resource: string, action: string, object: string): Promise<boolean> => {
        if (defaultRole !== "" && (await enforcer.enforce(defaultRole, resource, action, object))) return true;
        return enforcer.enforce(subject, resource, action, object);
    };
    const projectOf = (resource: string, object: string): AppProjectLike | undefined => {
        const name = PROJECT_SCOPED.has(resource) ? (object.includes("/") ? object.split("/")[0] : undefined) : resource === "projects" ? object : undefined;
        return projects.find((p) => p.metadata.name === name);
    };

    const allows = async (claims: Claims, resource: string, action: string, object: string): Promise<boolean> => {
        const project = projectOf(resource, object);
        const runtimePolicy = project ? projectPoliciesString(project) : "";
        const tokenRole = /^proj:([^:]+):([^:]+)$/.exec(claims.sub);
        if (project && tokenRole) {
            return tokenRole[1] === project.metadata.name && enforce(await enforcerFor(runtimePolicy), claims.sub, resource, action, object);
        }
        const enforcer = await enforcerFor(runtimePolicy);
        if (await enforce(enforcer, claims.sub, resource, action, object)) return true;
        const bound = new Set((await enforcer.getGroupingPolicy()).map((rule) => rule[0]));
        for (const group of claims.groups ?? []) {
            if (bound.has(group) && (await enforce(enforcer, group, resource, action, object))) return true;
        }
        return false;
    };

    return {
        enforcer: await enforcerFor(""),
        allows,
        can: (subject, resource, action, object) => allows({ sub: subject }, resource, action, object),
    };
}
