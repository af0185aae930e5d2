/** Judge 1: the upstream CRD schemas, with ajv and a strict walk for undeclared fields. */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import standaloneCode from "ajv/dist/standalone";
import type { RegExpEngine } from "ajv/dist/types";
import * as yaml from "js-yaml";
import { isPlainObject, REFERENCE } from "./reference";

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

const requireHere = createRequire(__filename);
const GO_REGEXP_MODULE = path.join(__dirname, "goRegExp.cjs");
/** The engine ajv compiles patterns with, and how the validators' code requires it. */
const goRegExp: RegExpEngine = Object.assign((requireHere(GO_REGEXP_MODULE) as { goRegExp: RegExpEngine }).goRegExp, { code: `require(${JSON.stringify(GO_REGEXP_MODULE)}).goRegExp` });

/** One ajv for every CRD; `optimize: false` halves the compile time of the 1.4 MB ApplicationSet schema. */
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { optimize: false, regExp: goRegExp, source: true } });

/**
 * Compiled validators kept on disk as ajv's standalone code, by all that decides them: compiling
 * the ApplicationSet schema alone takes most of a second, in every worker of every run.
 */
const VALIDATOR_CACHE = path.join(__dirname, "..", "..", "node_modules", ".cache", "gitops-crd-validators");
/** What decides a compiled validator besides its schema: ajv, and the pattern engine it requires. */
const COMPILER = [(requireHere("ajv/package.json") as { version: string }).version, goRegExp.code, fs.readFileSync(GO_REGEXP_MODULE, "utf8")];
function compile(schema: CrdSchema): ValidateFunction {
    const key = createHash("sha256").update(JSON.stringify([...COMPILER, schema])).digest("hex").slice(0, 32);
    const file = path.join(VALIDATOR_CACHE, `${key}.cjs`);
    if (!fs.existsSync(file)) {
        fs.mkdirSync(VALIDATOR_CACHE, { recursive: true });
        // Concurrent workers each write a file of their own and rename it into place.
        fs.writeFileSync(`${file}.${process.pid}`, standaloneCode(ajv, ajv.compile(schema)));
        fs.renameSync(`${file}.${process.pid}`, file);
    }
    return requireHere(file) as ValidateFunction;
}

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
        validate = compile(crdSchema(apiVersion, kind));
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
    const { metadata, ...rest } = object;
    problems.push(...undeclaredFields(crdSchema(object.apiVersion, object.kind), rest));
    const name = (metadata as { name?: unknown } | undefined)?.name;
    // The API server names a custom resource as it names most objects: a DNS-1123 subdomain.
    if (typeof name !== "string" || name.length > 253 || !DNS_1123_SUBDOMAIN.test(name)) problems.push(`metadata.name ${JSON.stringify(name)} is not a DNS-1123 subdomain`);
    return problems;
}

/** Kubernetes' ValidateObjectMeta rule for names (apimachinery's IsDNS1123Subdomain). */
export const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

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
        validate = compile(schema);
        validators.set(key, validate);
    }
    const at = `$.${fieldPath.join(".")}`;
    const problems = validate(value) ? [] : (validate.errors ?? []).map((e) => `${at}${e.instancePath.replace(/\//g, ".")} ${e.message ?? e.keyword}`);
    return [...problems, ...undeclaredFields(schema, value, at)];
}
