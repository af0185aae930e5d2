// Loads index.ts the way the Pulumi Node.js language host does (see @pulumi/pulumi cmd/run/run.js):
// ts-node as Pulumi resolves it (the project's, else Pulumi's vendored one), the project's
// tsconfig over Pulumi's defaults, then the program under the mocks. Prints what it registered.
const fs = require("node:fs");
const path = require("node:path");
const root = path.join(__dirname, "..", "..");
process.chdir(root);
const tsutils = require("@pulumi/pulumi/tsutils");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
    compiler: typescriptRequire,
    // tsc type-checks in `npm test`; here only the loading path matters.
    transpileOnly: true,
    project: "tsconfig.json",
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...tsutils.loadTypeScriptCompilerOptions("tsconfig.json") },
});
const yaml = require("js-yaml");
const { startMockRuntime, runMockedProgram } = require("../../render/mockRuntime.ts");
const { offlineOwnerOutputs } = require("../../render/ownerFacts.ts");
const { defaultModelFile } = require("../../model/load.ts");
/** Runs the program for each stack named on the command line, one after the other, as `pulumi up` would for each. */
async function main() {
    const results = {};
    for (const stack of process.argv.slice(2)) {
        const config = yaml.load(fs.readFileSync(path.join(root, "demo", `${stack}.yaml`), "utf8"));
        const recorder = startMockRuntime("gitops", stack, config, true, offlineOwnerOutputs(stack, defaultModelFile(stack)));
        // As Pulumi's run.js does: require the program, call it when it is a function, await its outputs.
        const outputs = await runMockedProgram(async () => require("../../index.ts"));
        results[stack] = { tsNode: path.basename(tsnodeRequire), registered: recorder.resources.length, outputs: Object.keys(outputs).sort() };
    }
    process.stdout.write(JSON.stringify(results));
}
main();
