import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { compareSync } from "bcryptjs";
import { describe, expect, it } from "vitest";
import { isSecretValue, ResourceRecorder, startMockRuntime } from "../../render/mockRuntime";
import { runComponents } from "../harness";

/** A custom resource of a made-up provider: the mocks answer for any type. */
class Thing extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, props, opts);
    }
}

describe("the mock runtime", () => {
    it("refuses provider function calls it was not taught, naming them", () => {
        expect(() => new ResourceRecorder().call({ token: "kubernetes:helm:template", inputs: {} })).toThrow(/kubernetes:helm:template is not mocked/);
    });

    it("gives a random resource the same outputs for the same name, and other outputs for another", () => {
        const outputsOf = (name: string) => new ResourceRecorder().newResource({ type: "random:index/randomBytes:RandomBytes", name, inputs: { length: 32 } }).state;
        expect(outputsOf("a")).toStrictEqual(outputsOf("a"));
        expect(outputsOf("a").base64).not.toBe(outputsOf("b").base64);
        expect(Buffer.from(outputsOf("a").base64, "base64")).toHaveLength(32);
    });

    it("records a registration's parent and dependencies, and keeps secrets wrapped", async () => {
        const run = await runComponents("dev", () => {
            const parent = new pulumi.ComponentResource("test:index:Parent", "parent");
            const first = new Thing("first", { value: pulumi.secret("hidden") }, { parent });
            new Thing("second", {}, { parent, dependsOn: [first] });
        });
        const [parent, first, second] = run.resources;
        expect(first.parent).toBe(parent.urn);
        expect(second.dependencies).toStrictEqual([first.urn]);
        expect(isSecretValue(first.inputs.value)).toBe(true);
    });

    it("gives a password of exactly its length with a bcrypt hash that verifies it, each with a salt of its own", () => {
        const recorder = new ResourceRecorder();
        const outputs = [24, 32, 70].map((length) => recorder.newResource({ type: "random:index/randomPassword:RandomPassword", name: `p${length}`, inputs: { length } }).state);
        outputs.forEach(({ result, bcryptHash }, i) => {
            expect(result).toHaveLength([24, 32, 70][i]);
            expect(compareSync(result, bcryptHash)).toBe(true);
        });
        // $2b$04$ then 22 characters of salt.
        expect(new Set(outputs.map(({ bcryptHash }) => bcryptHash.slice(7, 29))).size).toBe(3);
        expect(recorder.newResource({ type: "random:index/randomBytes:RandomBytes", name: "b", inputs: { length: 70 } }).state.hex).toHaveLength(140);
    });

    it("answers any other resource with its inputs and an id, a component with no id, and records it with no edges yet", () => {
        const recorder = new ResourceRecorder();
        expect(recorder.newResource({ type: "test:index:Thing", name: "t", inputs: { a: 1 } })).toStrictEqual({ id: "t-id", state: { a: 1 } });
        expect(recorder.newResource({ type: "test:index:Part", name: "c", inputs: {}, custom: false }).id).toBeUndefined();
        expect(recorder.resources.map((r) => [r.name, r.custom, r.dependencies])).toStrictEqual([
            ["t", true, []],
            ["c", false, []],
        ]);
    });

    it("tells Pulumi's secret wrapper from every other value", () => {
        for (const value of [null, undefined, "s", 1, [], {}, { value: "x" }, { [specialSigKey]: "other" }]) expect(isSecretValue(value), JSON.stringify(value)).toBe(false);
        expect(isSecretValue({ [specialSigKey]: specialSecretSig, value: "x" })).toBe(true);
    });

    it("draws a password from exactly the character classes its inputs leave on", () => {
        const recorder = new ResourceRecorder();
        const password = (name: string, inputs: Record<string, unknown>) => recorder.newResource({ type: "random:index/randomPassword:RandomPassword", name, inputs: { length: 200, ...inputs } }).state.result as string;
        const classes = { lower: /[a-z]/, upper: /[A-Z]/, numeric: /[0-9]/, special: /[^a-zA-Z0-9]/ };
        for (const on of Object.keys(classes)) {
            const only = password(`only-${on}`, Object.fromEntries(Object.keys(classes).map((c) => [c, c === on])));
            for (const [name, chars] of Object.entries(classes)) expect(chars.test(only), `${name} in a password of ${on} only`).toBe(name === on);
        }
        const all = password("all", {});
        for (const [name, chars] of Object.entries(classes)) expect(chars.test(all), name).toBe(true);
    });

    it("wraps the mock monitor once however often it starts, previews by default, and records dependencies in order", async () => {
        const before = MockMonitor.prototype.registerResource;
        // A monitor not wrapped yet, as a fresh process has it.
        MockMonitor.prototype.registerResource = function (this: MockMonitor, ...args: Parameters<typeof before>) {
            return before.apply(this, args);
        };
        let wrapped: typeof before;
        try {
            startMockRuntime("p", "s", {});
            wrapped = MockMonitor.prototype.registerResource;
            startMockRuntime("p", "s", {});
            expect(MockMonitor.prototype.registerResource).toBe(wrapped);
        } finally {
            MockMonitor.prototype.registerResource = before;
        }
        expect(pulumi.runtime.isDryRun()).toBe(true);
        const run = await runComponents("dev", () => {
            const b = new Thing("b", {});
            const a = new Thing("a", {});
            new Thing("c", {}, { dependsOn: [b, a] });
        });
        const c = run.resources.find((r) => r.name === "c");
        expect(c?.dependencies).toStrictEqual([...(c?.dependencies ?? [])].sort());
        expect(c?.dependencies).toHaveLength(2);
    });
});
