/** Judge 3: casbin with Argo CD's own RBAC model and built-in policy. */
import { type Adapter, type Enforcer, type Model, newEnforcer, newModelFromString } from "casbin";
import { readReference } from "./reference";

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
