/**
 * Two Argo CD Applications that sync the same source into the same namespace fight over its
 * objects (each prunes what the other applies, from its own revision), and removing either
 * deletes what the other still needs. What each root Application and ApplicationSet of a stack can
 * deploy is read here as globs, and compared within the stack and, in a shared cluster, with what
 * the owner's stack deploys (its `clusterFacts`).
 */
import { globsOverlap, SEGMENT, shownPattern } from "../../lib/glob";
import type { ProblemCollector } from "../problems";
import type { ApplicationSetModel, StackModel } from "../schema";

/** What an Application, or each Application an ApplicationSet generates, may deploy from where to where, as globs. */
export interface DeploymentTarget {
    /** `Application "backend-dev"` or `ApplicationSet "platform-addons-dev"`. */
    readonly what: string;
    readonly repoURL: string;
    readonly path: string;
    readonly server: string;
    readonly namespace: string;
}

type Generator = ApplicationSetModel["generators"][number];
type LeafGenerator = Exclude<Generator, { matrix: unknown }>;
type Params = Readonly<Record<string, string>>;

/**
 * The parameters a leaf generator gives, as globs: a list's elements; a git generator's
 * directories, where `*` is one folder (Argo CD matches them as Go's path.Match does) and `**` any
 * depth, and a basename one folder's name.
 */
function leafParams(g: LeafGenerator): Params[] {
    if ("list" in g) return g.list.elements;
    return g.git.directories
        .filter((d) => !d.exclude)
        .map((d) => {
            const path = d.path.replace(/\*\*|\*/g, (star) => (star === "**" ? "*" : SEGMENT));
            const basename = path.split("/").at(-1) as string;
            return { "path.path": path, "path.basename": basename, "path.basenameNormalized": basename.includes("*") ? "*" : SEGMENT };
        });
}

/** Every combination of parameters an ApplicationSet's generators give (a matrix multiplies its two). */
function generatorParams(g: Generator): Params[] {
    if (!("matrix" in g)) return leafParams(g);
    const [first, second] = g.matrix.generators.map(leafParams);
    return first.flatMap((a) => second.map((b) => ({ ...a, ...b })));
}

/** A template field as a glob: each known parameter filled in, any other `{{...}}` a star. */
function fill(template: string, params: Params): string {
    return template.replace(/\{\{-?\s*\.?([A-Za-z0-9_.]+)\s*-?\}\}/g, (_, key: string) => params[key] ?? "*").replace(/\{\{[^}]*\}\}/g, "*");
}

/** What the stack's root Applications and ApplicationSets can deploy, each with its model path. */
export function deploymentTargets(model: StackModel): (DeploymentTarget & { at: string })[] {
    const { applications, applicationSets } = model.argocd;
    return [
        ...applications.map((a, i) => ({ at: `argocd.applications[${i}]`, what: `Application "${a.name}"`, repoURL: a.source.repoURL, path: a.source.path, ...a.destination })),
        ...applicationSets.flatMap((set, i) =>
            set.generators.flatMap(generatorParams).map((params) => ({
                at: `argocd.applicationSets[${i}]`,
                what: `ApplicationSet "${set.name}"`,
                repoURL: fill(set.source.repoURL, params),
                path: fill(set.source.path, params),
                server: fill(set.destination.server, params),
                namespace: fill(set.destination.namespace, params),
            })),
        ),
    ];
}

function overlap(a: DeploymentTarget, b: DeploymentTarget): boolean {
    // The namespace first: it tells most pairs apart.
    return globsOverlap(a.namespace, b.namespace) && globsOverlap(a.path, b.path) && globsOverlap(a.repoURL, b.repoURL) && globsOverlap(a.server, b.server);
}

const ADVICE =
    "two Argo CD Applications would fight over the same objects, and removing either stack would delete what the other deploys; deploy it from one stack only (a cluster's add-ons from its owner), or give each its own path or namespace";

const told = (t: DeploymentTarget) => `${t.what} can deploy ${shownPattern(t.path)} of ${shownPattern(t.repoURL)} into namespace "${shownPattern(t.namespace)}" on ${shownPattern(t.server)}`;

/** Refuses two of the stack's own Applications or ApplicationSets that can deploy the same source path into the same namespace. */
export function checkOwnDeployments(model: StackModel, problems: ProblemCollector): void {
    const own = deploymentTargets(model);
    own.forEach((target, i) => {
        for (const other of own.slice(i + 1)) {
            if (other.what !== target.what && overlap(target, other)) problems.add(other.at, `${told(other)}, as ${target.what} (${target.at}) can: ${ADVICE}`);
        }
    });
}

/** Refuses an Application or ApplicationSet of the stack that can deploy what the owner of its cluster deploys (`deployments`, from its facts). */
export function checkDeploymentsAgainstOwner(model: StackModel, owner: string, deployments: readonly DeploymentTarget[], problems: ProblemCollector): void {
    for (const target of deploymentTargets(model)) {
        for (const theirs of deployments) if (overlap(target, theirs)) problems.add(target.at, `${told(target)}, as stack "${owner}"'s ${theirs.what} can: ${ADVICE}`);
    }
}
