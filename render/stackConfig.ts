/**
 * Stack config for an offline run: `Pulumi.<stack>.yaml` with an optional plaintext config
 * file layered over it. Values encrypted by the Pulumi CLI cannot be read here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { CONFIG_NAMESPACE, declaredConfigKeys, undeclaredConfigKeys } from "../model/config";
import { StackInputError } from "../model/problems";
import { STACK_NAME } from "../model/schema";
import { PROJECT_DIR } from "./layout";

function readYamlMapping(stack: string, file: string, what: string): Record<string, unknown> {
    let data: unknown;
    try {
        data = yaml.load(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new StackInputError(stack, what, [{ path: file, message: `cannot be read (${(e as Error).message.split("\n")[0]})` }]);
    }
    if (data === undefined || data === null) return {};
    if (typeof data !== "object" || Array.isArray(data)) {
        throw new StackInputError(stack, what, [{ path: file, message: "must be a YAML mapping of config keys to values, e.g. `gitops:argocdSlackWebhook: https://...`" }]);
    }
    return data as Record<string, unknown>;
}

/**
 * Refuses a stack name that is not one: the render names files and folders after it, so a name
 * with a path in it (`../x`) would read or write outside the project.
 */
export function checkStackName(stack: string): void {
    if (!STACK_NAME.test(stack)) {
        throw new StackInputError(stack, "the command line", [{ path: "--stack", message: `"${stack}" is not a stack name: use the short name of a stack of this project (letters, digits, '-', '_' and '.'), such as prod` }]);
    }
}

/** The demo config of a stack: fake webhooks and a demo key pair, for renders of an unconfigured stack. */
export function demoConfigFile(stack: string, projectDir = PROJECT_DIR): string {
    return path.join(projectDir, "demo", `${stack}.yaml`);
}

export interface OfflineConfig {
    /** Config values as plain strings, keyed `gitops:<name>`. */
    readonly values: Record<string, string>;
    /** The demo config file used, when the stack has no config of its own yet. */
    readonly demoFile?: string;
}

/**
 * The config of `stack`: `Pulumi.<stack>.yaml`, or, while it sets no `gitops:` key (or does not
 * exist), the demo config; `configFile` is layered over either. Encrypted values not overridden are reported by
 * key with what to do. With `only`, just those keys are read (so other keys may stay encrypted).
 * `projectDir` is the copy of the project whose config it is: this one by default.
 */
export function offlineStackConfig(stack: string, configFile?: string, only?: readonly string[], projectDir = PROJECT_DIR): OfflineConfig {
    checkStackName(stack);
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    // A stack not initialised here but with demo config (the example fleet's, docs/fleet.md) renders on that config alone.
    const initialised = fs.existsSync(stackFile);
    if (!initialised && !fs.existsSync(demoConfigFile(stack, projectDir))) {
        const stacks = fs.readdirSync(projectDir).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);
        throw new StackInputError(stack, "the stack config", [{ path: `Pulumi.${stack}.yaml`, message: `does not exist; use one of: ${stacks.join(", ")}, or create it with \`pulumi stack init ${stack}\`` }]);
    }
    const base = (initialised ? (readYamlMapping(stack, stackFile, `Pulumi.${stack}.yaml`).config ?? {}) : {}) as Record<string, unknown>;
    const declared = [...declaredConfigKeys(path.join(projectDir, "Pulumi.yaml")).keys()];
    const configured = Object.keys(base).some((key) => key.startsWith("gitops:"));
    const demoFile = !configured && fs.existsSync(demoConfigFile(stack, projectDir)) ? demoConfigFile(stack, projectDir) : undefined;
    const layers = [demoFile, configFile].flatMap((file) => (file ? [readYamlMapping(stack, file, file)] : []));
    // A key the program does not read would be ignored, and the demo config's value used instead.
    for (const [file, keys] of [[configFile, Object.keys(layers.at(-1) ?? {})], [`Pulumi.${stack}.yaml`, Object.keys(base)]] as const) {
        const problems = file === undefined ? [] : undeclaredConfigKeys(keys, declared, (_, guess) => `Rename it to ${CONFIG_NAMESPACE}:${guess} in ${file}, or remove it.`);
        if (problems.length > 0) throw new StackInputError(stack, file as string, problems);
    }
    const merged = Object.fromEntries(Object.entries(Object.assign({}, base, ...layers)).filter(([key]) => only === undefined || only.includes(key)));
    const config: Record<string, string> = {};
    const encrypted: string[] = [];
    for (const [key, value] of Object.entries(merged)) {
        if (typeof value === "object" && value !== null && "secure" in value) encrypted.push(key);
        else config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    if (encrypted.length > 0) {
        throw new StackInputError(
            stack,
            `Pulumi.${stack}.yaml`,
            encrypted.sort().map((key) => ({
                path: key,
                message: `is encrypted and only the Pulumi CLI can decrypt it; for an offline render pass a plaintext value in a file given with --config-file (a YAML mapping, e.g. \`${key}: ...\`), or use \`pulumi preview\``,
            })),
        );
    }
    return { values: config, demoFile };
}
