/**
 * The Pulumi runtime under mocks: the program runs exactly as under `pulumi up`, but every
 * resource registration is recorded instead of sent to an engine. Both the offline render and
 * the tests use it, so they see what a real deployment would register.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as callbackProto from "@pulumi/pulumi/proto/callback_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import { encodeBase64, hashSync } from "bcryptjs";

/** One registered resource, with the options that shape the deployment graph. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** Inputs as the provider would get them (secrets stay wrapped, see `isSecretValue`). */
    readonly inputs: Record<string, any>;
    /** Reference to the provider the resource is registered with, if explicit. */
    readonly provider?: string;
    urn?: string;
    parent?: string;
    dependencies: string[];
    /** The transforms registered with it (`opts.transforms`); the engine also applies its ancestors' to it. */
    transforms: pulumi.ResourceTransform[];
}

/** Deterministic bytes for a mocked resource, so renders are byte-identical across runs. */
function fakeBytes(seed: string, length: number): Buffer {
    const out: Buffer[] = [];
    // Stryker disable next-line EqualityOperator,ArithmeticOperator,UpdateOperator: blocks beyond `length` are cut off below, and any distinct counters give bytes as deterministic
    for (let i = 0; out.length * 32 < length; i++) out.push(createHash("sha256").update(`${seed}#${i}`).digest());
    return Buffer.concat(out).subarray(0, length);
}

/** The characters a RandomPassword draws from, as the random provider chooses them (each class on unless turned off). */
function passwordAlphabet(inputs: Record<string, unknown>): string {
    const classes: [string, string][] = [
        ["lower", "abcdefghijklmnopqrstuvwxyz"],
        ["upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"],
        ["numeric", "0123456789"],
        ["special", "!@#$%&*()-_=+[]{}<>:?"],
    ];
    return classes.map(([flag, chars]) => (inputs[flag] === false ? "" : chars)).join("");
}

/** Outputs the providers would compute, for the few resources whose outputs the program uses. */
function computedOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const seed = `${type}::${name}`;
    if (type === "random:index/randomBytes:RandomBytes") {
        const bytes = fakeBytes(seed, Number(inputs.length));
        return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
    }
    if (type === "random:index/randomPassword:RandomPassword") {
        const alphabet = passwordAlphabet(inputs);
        const result = [...fakeBytes(seed, Number(inputs.length))].map((byte) => alphabet[byte % alphabet.length]).join("");
        const salt = encodeBase64([...fakeBytes(`${seed}/salt`, 16)], 16);
        return { result, bcryptHash: hashSync(result, `$2b$04$${salt}`) };
    }
    if (type === "kubernetes:core/v1:Secret" && inputs.type === "kubernetes.io/service-account-token") {
        // What Kubernetes' token controller writes into such a Secret: a token, and the API server's CA.
        const ca = `-----BEGIN CERTIFICATE-----\n${fakeBytes(`${seed}/ca`, 48).toString("base64")}\n-----END CERTIFICATE-----\n`;
        return { data: { token: Buffer.from(fakeBytes(`${seed}/token`, 32).toString("hex")).toString("base64"), "ca.crt": Buffer.from(ca).toString("base64") } };
    }
    return {};
}

/** The organization of Pulumi's self-managed backends, which the mocks run in. */
export const MOCK_ORGANIZATION = "organization";

/** Stack outputs by fully qualified stack name (`organization/<project>/<stack>`), as StackReferences read them. */
export type StackOutputs = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * Records every registration; throws on any provider function call it does not know. A
 * StackReference reads the outputs given in `stackOutputs`; a stack not there has none (as if
 * it had never been brought up).
 */
export class ResourceRecorder implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    /** The latest record of each type and name, for the monitor's answer to find its own. */
    private readonly byTypeAndName = new Map<string, RecordedResource>();

    /**
     * `firstPreview`: nothing exists yet, as in the preview before a stack's first `pulumi up`:
     * every output a provider computes (a generated password, random bytes) is unknown, as the
     * engine leaves it; only the inputs are known.
     */
    constructor(
        private readonly stackOutputs: StackOutputs = {},
        private readonly firstPreview = false,
    ) {}

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const record: RecordedResource = { type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs, provider: args.provider || undefined, dependencies: [], transforms: [] };
        this.resources.push(record);
        this.byTypeAndName.set(`${args.type}::${args.name}`, record);
        if (args.type === "pulumi:pulumi:StackReference") {
            // Stryker disable next-line ArrayDeclaration: a secret output name that names no output marks nothing
            return { id: args.id, state: { name: args.inputs.name, outputs: this.stackOutputs[args.inputs.name] ?? {}, secretOutputNames: [] } };
        }
        const computed = this.firstPreview ? {} : computedOutputs(args.type, args.name, args.inputs);
        return { id: args.custom === false ? undefined : `${args.name}-id`, state: { ...args.inputs, ...computed } };
    }

    /** The record of the resource of this type and name registered last. */
    recordOf(type: string, name: string): RecordedResource | undefined {
        return this.byTypeAndName.get(`${type}::${name}`);
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        throw new Error(`provider function ${args.token} is not mocked: the program must not call it, or the mocks must learn it`);
    }
}

/** The secret wrapper the runtime puts around secret values in mocked inputs. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** True for a value that Pulumi marked secret. */
export function isSecretValue(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
}

/**
 * The recorder of the current run, which the monitor wrapper reports to. Global rather than
 * module state: the wrapper is installed once per process, and this module may be loaded again.
 */
// Stryker disable next-line StringLiteral: every copy of this module asks for the symbol by the same key, whatever it is
const CURRENT = Symbol.for("gitops-platform/mock-runtime/recorder");
const registry = globalThis as { [CURRENT]?: ResourceRecorder };

/**
 * The engine's side of transforms, for the mocks: the SDK hands each transform to a callback
 * server, which the engine calls when it registers the resource (and its descendants). The mocks
 * have no engine, so the SDK refuses transforms ("The Pulumi CLI does not support transforms");
 * here they are kept by token instead, and the recorder notes each resource's own. The render
 * applies them as the engine would (render/tree.ts).
 */
/** The SDK's reference to a registered callback (proto `pulumirpc.Callback`). */
interface CallbackReference {
    getToken(): string;
    setToken(token: string): CallbackReference;
    setTarget(target: string): CallbackReference;
}
const { Callback } = callbackProto as unknown as { Callback: new () => CallbackReference };

class TransformRegistry {
    private readonly byToken = new Map<string, pulumi.ResourceTransform>();

    async registerTransform(transform: pulumi.ResourceTransform): Promise<CallbackReference> {
        const token = `mock-transform-${this.byToken.size}`;
        this.byToken.set(token, transform);
        return new Callback().setToken(token).setTarget("mocks");
    }

    find(token: string): pulumi.ResourceTransform {
        return this.byToken.get(token) as pulumi.ResourceTransform;
    }

    awaitStackRegistrations(): Promise<void> {
        return Promise.resolve();
    }

    shutdown(): void {}
}

/** The runtime's settings store, where the SDK looks for transform support and its callback server. */
function runtimeStore(): { supportsTransforms: boolean; callbacks?: unknown } {
    return (runtimeState as unknown as { getStore(): { supportsTransforms: boolean; callbacks?: unknown } }).getStore();
}

/**
 * Parent, dependencies and transforms are not part of the mocks' arguments, so the mock
 * monitor's registration is wrapped (once per process) to record them too.
 */
function recordGraphEdges(): void {
    const original = MockMonitor.prototype.registerResource;
    if ((original as { recordsEdges?: boolean }).recordsEdges) return;
    type Callback = (err: unknown, response: { getUrn(): string } | undefined) => void;
    const wrapped = function (this: MockMonitor, req: any, callback: Callback) {
        return original.call(this, req, (err: unknown, response: { getUrn(): string } | undefined) => {
            // By type and name: the mock monitor answers a registration after it recorded it, and many registrations are under way at once.
            const record = registry[CURRENT]?.recordOf(req.getType(), req.getName());
            if (record && response) {
                record.urn = response.getUrn();
                record.parent = req.getParent() || undefined;
                record.dependencies = [...req.getDependenciesList()].sort();
                const registry = runtimeStore().callbacks as TransformRegistry;
                record.transforms = (req.getTransformsList() as CallbackReference[]).map((callback) => registry.find(callback.getToken()));
            }
            callback(err, response);
        });
    };
    MockMonitor.prototype.registerResource = Object.assign(wrapped, { recordsEdges: true });
}

/**
 * The SDK notes where in the program each resource is registered: a whole stack trace per
 * resource, mapped through source maps (pulumi's resource.ts, `Resource.callsites`), a sixth of a
 * render's time. Under the mocks nothing reads it, so none is taken.
 */
function skipSourcePositions(): void {
    (pulumi.Resource as unknown as { callsites(): unknown[] }).callsites = () => [];
}

/**
 * Installs fresh mocks and the stack's config; call it before the program is imported.
 * `preview` false runs the program as `pulumi up` would; `stackOutputs` are what other stacks
 * exported; `firstPreview` leaves computed outputs unknown, as before a stack's first `up`.
 */
export function startMockRuntime(project: string, stack: string, config: Readonly<Record<string, string>>, preview = true, stackOutputs: StackOutputs = {}, firstPreview = false): ResourceRecorder {
    recordGraphEdges();
    skipSourcePositions();
    const recorder = new ResourceRecorder(stackOutputs, firstPreview);
    registry[CURRENT] = recorder;
    pulumi.runtime.setAllConfig({ ...config });
    pulumi.runtime.setMocks(recorder, project, stack, preview, MOCK_ORGANIZATION);
    // setMocks has set the store up synchronously; transforms go to the registry, not an engine.
    Object.assign(runtimeStore(), { supportsTransforms: true, callbacks: new TransformRegistry() });
    return recorder;
}

/**
 * Runs the program (index.ts's exported function) under the mocks installed by
 * `startMockRuntime`, and returns its stack outputs once every registration is answered.
 * `load` imports index.ts: each caller imports it its own way (vitest's module registry, tsx).
 */
export async function runMockedProgram(load: () => Promise<unknown>): Promise<Record<string, unknown>> {
    const loaded = (await load()) as { default?: unknown };
    const main = (typeof loaded === "function" ? loaded : loaded.default) as () => Promise<Record<string, unknown>>;
    // The SDK takes a stack trace of every promise it makes (runtime/debuggable.ts), mapped
    // through source maps, which nothing reads under the mocks; GITOPS_DEBUG keeps them for a
    // failure's trace.
    const limit = Error.stackTraceLimit;
    if (!process.env.GITOPS_DEBUG) Error.stackTraceLimit = 0;
    try {
        return await main();
    } finally {
        await settled();
        Error.stackTraceLimit = limit;
    }
}

/** Resolves once every registration the program started has been answered. */
export async function settled(): Promise<void> {
    // Exported by the runtime but missing from its type declarations.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
