/**
 * The stack models the tests run on: the shipped stacks as they are (one shared cluster, prod
 * its owner) and on a cluster each (`test/fixtures/models/dedicated-<stack>.ts`), validated.
 */
import * as path from "node:path";
import { validateStackModel } from "../../core/stackModel";
import { defaultModelFile, readModelFile } from "../../model/load";
import { StackInputError } from "../../model/problems";
import type { ArgoCdModel, ClusterWideModel, StackModel } from "../../model/schema";
import { validateModel } from "../../model/validate";
import prod from "../../stacks/prod";
import { demoConfig, ROOT } from "../harness";
import { TestCache } from "./mutation";

export type Topology = "shared" | "dedicated";
export const TOPOLOGIES: readonly Topology[] = ["shared", "dedicated"];
/** Where a scenario's stack runs: a shipped stack's topology, or `spoke` for a spoke of the example fleet (examples/fleet/, its model named in its demo config). */
export type Placement = Topology | "spoke";
export const STACKS = ["dev", "prod"] as const;

/** The model file of a shipped stack in a topology, or of an example spoke (`fleet-<name>`). */
export function modelFile(stack: string, topology: Placement): string {
    if (topology === "spoke") return path.join(ROOT, "examples", "fleet", `${stack.replace(/^fleet-/, "")}.ts`);
    return topology === "shared" ? defaultModelFile(stack) : path.join(ROOT, "test", "fixtures", "models", `dedicated-${stack}.ts`);
}

/** The demo config of a shipped stack in a topology (or an example spoke's), the same object shape wherever it is used (so runs are shared). */
export function shippedConfig(stack: string, topology: Placement): Record<string, string> {
    return topology === "shared" || topology === "spoke" ? demoConfig(stack) : { ...demoConfig(stack), "gitops:model": modelFile(stack, topology) };
}

const models = new TestCache<StackModel>();
/** The validated model of a shipped stack in a topology. */
export function stackModel(stack: string, topology: Placement = "shared"): StackModel {
    const file = modelFile(stack, topology);
    return structuredClone(models.get(file, () => validateStackModel(stack, path.relative(ROOT, file), readModelFile(stack, file))));
}

/** A model that installs the cluster-wide parts, Argo CD among them (every shipped stack that installs them; a fleet spoke has no Argo CD). */
export type InstallerModel = StackModel & { clusterWide: ClusterWideModel & { argocd: ArgoCdModel } };

/** A model that installs the cluster-wide parts (so has `clusterWide`, with Argo CD), with them narrowed. */
export function installerModel(stack: string, topology: Topology): InstallerModel {
    const model = stackModel(stack, topology);
    if (!model.clusterWide?.argocd) throw new Error(`stack ${stack} does not install the cluster-wide parts, Argo CD among them, in the ${topology} topology`);
    return model as InstallerModel;
}

/** Every (stack, topology) whose model installs the cluster-wide parts. */
export const INSTALLERS: readonly [string, Topology][] = [
    ["prod", "shared"],
    ["dev", "dedicated"],
    ["prod", "dedicated"],
];

/** What `validate` gives, or the problems it refuses the input for, in order (any other error is thrown on). */
export function validationOf<T>(validate: () => T): { problems: [path: string, message: string][]; model?: T } {
    try {
        return { problems: [], model: validate() };
    } catch (e) {
        if (!(e instanceof StackInputError)) throw e;
        return { problems: e.problems.map((p) => [p.path, p.message]) };
    }
}

/** A deep copy of `model` with `edit` applied. */
export function edited(model: unknown, edit: (m: any) => unknown): any {
    const input = structuredClone(model) as any;
    edit(input);
    return input;
}

/** The prod model with `edit` applied, validated: its problems by path, or the validated model. */
export function validated(edit: (m: any) => void): { problems: Map<string, string>; model?: any } {
    const { problems, model } = validationOf(() => validateModel("prod", "fixture", edited(prod, edit)));
    return { problems: new Map(problems), model };
}

/** The prod model with `edit` applied, validated with what the core checks of what it makes (receivers, releases' values): its problems in order, or the model. */
export function validatedStack(edit: (m: any) => void): { problems: [path: string, message: string][]; model?: StackModel } {
    return validationOf(() => validateStackModel("prod", "fixture", edited(prod, edit)));
}

/** An extra Application of the backend team, in a namespace of its own. */
export const application = (fields: Record<string, unknown> = {}) => ({
    name: "extra-prod",
    project: "team-backend",
    source: { repoURL: "https://github.com/example-org/platform-gitops", path: "apps/extra" },
    destination: { server: "https://kubernetes.default.svc", namespace: "backend-prod" },
    ...fields,
});
export const applicationSet = (fields: Record<string, unknown> = {}) => ({
    name: "extra-set-prod",
    project: "team-backend",
    generators: [{ list: { elements: [{ app: "one" }] } }],
    nameTemplate: "{{.app}}-prod",
    source: { repoURL: "https://github.com/example-org/platform-gitops", path: "apps/{{.app}}" },
    destination: { server: "https://kubernetes.default.svc", namespace: "backend-prod" },
    ...fields,
});
