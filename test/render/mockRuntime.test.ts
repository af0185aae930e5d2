import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { isSecretValue, ResourceRecorder } from "../../render/mockRuntime";
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
});
