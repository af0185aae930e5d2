/**
 * The offline render: the Pulumi program under the runtime's mocks, turned into the files of a
 * render folder. `npm run render` is its command line; the benchmark and the diff use it too.
 */
import * as path from "node:path";
import { CONFIG_NAMESPACE } from "../model/config";
import { defaultModelFile } from "../model/load";
import { PLACEMENT_FILE, PROJECT_DIR } from "./layout";
import { offlineStackConfig } from "./stackConfig";
import type { StackOutputs } from "./mockRuntime";
import type { RenderedTree } from "./tree";

export interface RenderOptions {
    readonly stack: string;
    /** A YAML file of plaintext config, layered over `Pulumi.<stack>.yaml`. */
    readonly configFile?: string;
    /** A model file instead of the stack's own. */
    readonly model?: string;
    /** The copy of the project whose config, demo config and stacks/ to render (one with the same code); this one by default. */
    readonly projectDir?: string;
    /** Also expand every release and write the objects Pulumi applies from it. */
    readonly charts?: boolean;
    /** Outputs of other stacks, over those the render computes (a shared cluster's owner, a hub's spokes). */
    readonly stackOutputs?: StackOutputs;
}

/** Where a stack deploys to and what it installs there (the program's `target` output). */
export interface Target {
    readonly cluster: string;
    readonly mode: "dedicated" | "shared";
    readonly installsClusterParts: boolean;
    readonly kubeContext: string;
}

export interface Render {
    readonly tree: RenderedTree;
    readonly target: Target;
    /** The demo config used, when the stack has no config of its own yet. */
    readonly demoFile?: string;
}

/** The stack's config and model file, as the render reads them. */
export function renderInputs(options: RenderOptions): { config: Record<string, string>; modelFile: string; demoFile?: string } {
    const projectDir = options.projectDir ?? PROJECT_DIR;
    const { values: config, demoFile } = offlineStackConfig(options.stack, options.configFile, undefined, projectDir);
    const modelFile = path.resolve(options.model ?? config[`${CONFIG_NAMESPACE}:model`] ?? defaultModelFile(options.stack, path.join(projectDir, "stacks")));
    return { config: { ...config, [`${CONFIG_NAMESPACE}:model`]: modelFile }, modelFile, demoFile };
}

/** A mistake in the stack's inputs that the program reported (a Pulumi RunError): its message says it all. */
export class RenderInputError extends Error {}

/**
 * Runs the stack's program under the mocks and builds its render tree, in memory. The Pulumi
 * SDK loads only here, so that the checks before it answer fast.
 */
export async function renderStack(options: RenderOptions): Promise<Render> {
    const { config, modelFile, demoFile } = renderInputs(options);
    // A model that does not validate is refused before the SDK loads (a second of a render's start).
    const model = (await import("../core/stackModel.js")).loadStackModel(options.stack, modelFile);
    const [{ RunError }, { runMockedProgram, startMockRuntime }, { offlineOwnerOutputs, ownerCrds }, { offlineSpokeOutputs }, { renderTree, withFiles }, { appliedChartObjects }, { placementTable }] = await Promise.all([
        import("@pulumi/pulumi"),
        import("./mockRuntime.js"),
        import("./ownerFacts.js"),
        import("./spokeOutputs.js"),
        import("./tree.js"),
        import("./applied.js"),
        import("../core/fleet/placement.js"),
    ]);
    const stackOutputs = { ...offlineOwnerOutputs(options.stack, modelFile, options.projectDir), ...offlineSpokeOutputs(options.stack, modelFile, options.projectDir), ...options.stackOutputs };
    const recorder = startMockRuntime("gitops", options.stack, config, true, stackOutputs);
    try {
        const outputs = await runMockedProgram(() => import("../index.js"));
        // Chart v4 renders for the cluster's version, which the profile states.
        const { kubernetes } = model.cluster;
        const charts = options.charts ? await appliedChartObjects(recorder.resources, kubernetes, await ownerCrds(options.stack, modelFile, options.projectDir)) : undefined;
        const tree = await renderTree(recorder.resources, charts, kubernetes);
        // A hub's placement, evaluated offline as Argo CD's cluster generators will, for the reviewer of the diff.
        const fleet: Record<string, string> = model.fleet?.role === "hub" ? { [PLACEMENT_FILE]: placementTable(options.stack, model.fleet) } : {};
        return { tree: withFiles(tree, fleet), target: outputs.target as Target, demoFile };
    } catch (e) {
        throw RunError.isInstance(e) ? new RenderInputError((e as Error).message) : e;
    }
}
