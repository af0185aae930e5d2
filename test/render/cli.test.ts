/**
 * `npm run render` as a user runs it: files on disk, exit codes and messages; in this process,
 * and as a fresh one for what only the entry does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as yaml from "js-yaml";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { StackInputError } from "../../model/problems";
import { MARKER, writeTree } from "../../render/folder";
import { RenderInputError } from "../../render/render";
import { diffFailureMessage } from "../../render/diffCommand";
import { failureMessage, renderCommand } from "../../render/renderCommand";
import { capturedOutput, demoConfig, demoKeyPem, ROOT } from "../harness";
import { assertCanExpand, expansionTitle, skipExpansion } from "../helpers/charts";
import { execLaunched } from "../helpers/launcher";
import { temporaryDirs } from "../helpers/tmp";
import { CLUSTER_PROFILE, charts } from "../../stacks/shared/constants";

const run = execLaunched;
/** tsx as `npm run render` uses it, loaded into the one process (its CLI would start a second). */
const TSX = ["--import", pathToFileURL(require.resolve("tsx")).href];

/** Runs the render command in this process; resolves with its exit code and output. */
async function render(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const { io, written } = capturedOutput();
    const code = await renderCommand(args, io);
    return { code, ...written };
}

/** Runs the render CLI as `npm run render` does; resolves with its exit code and output instead of throwing. */
async function renderProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
        const { stdout, stderr } = await run(process.execPath, [...TSX, path.join(ROOT, "render", "cli.ts"), ...args], { cwd: ROOT });
        return { code: 0, stdout, stderr };
    } catch (e) {
        const err = e as { code: number; stdout: string; stderr: string };
        return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
}

/** Every file below `dir`, relative path to content. */
function tree(dir: string): Map<string, string> {
    const files = new Map<string, string>();
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) {
            const full = path.join(entry.parentPath, entry.name);
            files.set(path.relative(dir, full), fs.readFileSync(full, "utf8"));
        }
    }
    return files;
}

describe("npm run render", () => {
    const tmp = temporaryDirs("render-", "all")();
    const foreignDir = temporaryDirs("foreign-");
    const first = path.join(tmp, "first");
    const devOut = path.join(tmp, "dev");
    // prod with a key of its own: the one object the render must leave out.
    const prodConfig = { ...demoConfig("prod"), "gitops:sealingKey": demoKeyPem };
    const prodConfigFile = path.join(tmp, "prod-config.yaml");
    let output: { code: number; stdout: string; stderr: string };
    let devOutput: { code: number; stdout: string; stderr: string };

    beforeAll(async () => {
        fs.writeFileSync(prodConfigFile, yaml.dump(prodConfig));
        output = await render("--stack", "prod", "--config-file", prodConfigFile, "--out", first);
        devOutput = await render("--stack", "dev", "--out", devOut);
    }, 60_000);

    it("renders the dev stack from the demo config with no other argument, on the owner's facts computed offline", () => {
        expect(devOutput.code, devOutput.stderr).toBe(0);
        expect(devOutput.stderr).toMatch(/using the demo config demo\/dev\.yaml/);
        expect(devOutput.stdout).toMatch(new RegExp(`^rendered stack "dev": ${tree(devOut).size - 1} files in ${path.relative(process.cwd(), devOut)}\n`, "m"));
        expect(devOutput.stdout).toContain('target: kube context "kind-gitops-shared", cluster "gitops-shared", shared: it installs its own environment on the owner\'s cluster-wide parts');
        expect(fs.existsSync(path.join(devOut, "argocd/application/backend-dev.yaml"))).toBe(true);
        expect(fs.existsSync(path.join(devOut, "charts/argocd"))).toBe(false);
    });

    it("prints the target of the stack that installs the cluster-wide parts", () => {
        expect(output.code, output.stderr).toBe(0);
        // Its config file is layered over the demo config, as the note says.
        expect(output.stderr).toMatch(/^note: stack "prod" has no config of its own yet; using the demo config demo\/prod\.yaml, with \S*prod-config\.yaml layered over it$/m);
        expect(output.stdout).toContain('target: kube context "kind-gitops-shared", cluster "gitops-shared", shared: stack "prod" installs the cluster-wide parts and its own environment');
    });

    it("replaces an earlier render as a whole (the same bytes for the same inputs: see the diff's tests)", () => {
        // GIVEN the render's files written again where a render and a stale file are
        const files = new Map([...tree(first)].filter(([f]) => f !== MARKER));
        const out = path.join(tmp, "again");
        writeTree(out, { files, notes: [] });
        fs.writeFileSync(path.join(out, "stale.yaml"), "left over");
        writeTree(out, { files, notes: [] });
        // THEN the folder holds exactly the render
        expect(tree(out)).toStrictEqual(tree(first));
    });

    it("writes each object and each chart where the README says", () => {
        const files = [...tree(first).keys()];
        expect(files).toEqual(
            expect.arrayContaining([
                "monitoring-prod/sealedsecret/alertmanager-config-prod.yaml",
                "argocd/configmap/argocd-notifications-cm.yaml",
                "argocd/appproject/team-frontend.yaml",
                "_cluster/namespace/argocd.yaml",
                "charts/monitoring-prod/release.yaml",
                "charts/monitoring-prod/values.yaml",
                "charts/kube-prometheus-stack/values.yaml",
            ]),
        );
        const release = yaml.load(fs.readFileSync(path.join(first, "charts/argocd/release.yaml"), "utf8"));
        expect(release).toStrictEqual({ name: "argocd", namespace: "argocd", ...charts.argoCd, kubernetes: CLUSTER_PROFILE.kubernetes });
    });

    it("renders each release for the cluster's Kubernetes version, as the profile states it", async () => {
        const model = path.join(tmp, "older-cluster.ts");
        fs.writeFileSync(model, `import prod from ${JSON.stringify(path.join(ROOT, "stacks/prod"))};\nexport default { ...prod, cluster: { ...prod.cluster, kubernetes: "1.33" } };\n`);
        const result = await render("--stack", "prod", "--model", model, "--out", path.join(tmp, "older-cluster"));
        expect(result.code, result.stderr).toBe(0);
        const release = yaml.load(fs.readFileSync(path.join(tmp, "older-cluster", "charts/argocd/release.yaml"), "utf8")) as Record<string, unknown>;
        expect(release.kubernetes).toBe("1.33");
    });

    it("never writes a plaintext secret: no Secret object, no secret value, a note for the key it leaves out", () => {
        const files = tree(first);
        expect([...files.keys()].filter((f) => f.includes("/secret/"))).toStrictEqual([]);
        // Nor a line it prints: the receivers' secrets too, prod's heartbeat URL (its ping key) among them.
        const all = [...files.values(), ...tree(devOut).values(), output.stdout, output.stderr, devOutput.stdout, devOutput.stderr].join("\n");
        expect(demoConfig("prod")["gitops:alertmanagerDeadMansSwitchUrl"]).toMatch(/^https:\/\/\S+\.invalid\//);
        for (const [key, value] of Object.entries({ ...prodConfig, ...demoConfig("dev") })) {
            if (key !== "gitops:sealingCertificate" && key !== "gitops:kubeContext") expect(all.includes(value), key).toBe(false);
        }
        expect(output.stdout).toMatch(/note: left out Secret kube-system\/sealed-secrets-key-[0-9a-f]{12}: it holds plaintext secret data/);
        // No value of any chart is secret: the values are shown whole, with no header.
        for (const [file, text] of files) if (file.endsWith("/values.yaml")) expect(text.startsWith("#"), file).toBe(false);
    });

    it("refuses to write into a folder that is not an earlier render", async () => {
        const foreign = foreignDir();
        fs.writeFileSync(path.join(foreign, "keep.txt"), "mine");
        const result = await render("--stack", "dev", "--out", foreign);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/not an earlier render/);
        expect(fs.readFileSync(path.join(foreign, "keep.txt"), "utf8")).toBe("mine");
    }, 30_000);

    it("reports an invalid model by path, with no stack trace, and exits 1", async () => {
        const result = await renderProcess("--stack", "dev", "--model", path.join(ROOT, "test/fixtures/models/wrong-types.yaml"), "--out", path.join(tmp, "bad"));
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/^Stack "dev": .*wrong-types\.yaml has \d+ problems:/m);
        expect(result.stderr).toMatch(/  - environment: /);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        expect(fs.existsSync(path.join(tmp, "bad"))).toBe(false);
    }, 30_000);


    it("prints the resolved model with --dump-model, exits 0 and writes nothing, wherever --out points", async () => {
        const foreign = foreignDir();
        fs.writeFileSync(path.join(foreign, "keep.txt"), "mine");
        const result = await render("--stack", "prod", "--dump-model", "--out", foreign);
        expect(result.code, result.stderr).toBe(0);
        expect(fs.readdirSync(foreign)).toStrictEqual(["keep.txt"]);
        const model = JSON.parse(result.stdout);
        expect(model.environment).toBe("prod");
        // Defaults applied: the dump is the model after validation.
        expect(model.monitoring.alertmanager.groupBy).toStrictEqual(["alertname", "namespace"]);
        // The cluster's profile, as the model states it.
        expect(model.cluster).toMatchObject({ kubernetes: CLUSTER_PROFILE.kubernetes, distribution: "kind", nodes: CLUSTER_PROFILE.nodes, storageClass: "standard", gatewayApi: false });
    }, 30_000);

    it("says a stack is needed, with exit code 1, when none is named", async () => {
        const result = await render("--out", path.join(tmp, "nothing"));
        expect(result).toStrictEqual({ code: 1, stdout: "", stderr: "error: required option '--stack <name>' not specified\n" });
    });

    it("prints the target of a dedicated cluster, and that pulumi up needs a kube context when none is set", async () => {
        const configFile = path.join(tmp, "no-context.yaml");
        // Layered over the demo config: an empty value unsets its context.
        fs.writeFileSync(configFile, yaml.dump({ "gitops:kubeContext": "" }));
        // Rendered into the folder it runs in (as the command sees it: workers cannot chdir), which it names as such.
        const out = path.join(tmp, "dedicated");
        fs.mkdirSync(out);
        const cwd = vi.spyOn(process, "cwd").mockReturnValue(out);
        const result = await render("--stack", "dev", "--model", path.join(ROOT, "test/fixtures/models/dedicated-dev.ts"), "--config-file", configFile, "--out", ".").finally(() => cwd.mockRestore());
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toMatch(/^rendered stack "dev": \d+ files in \.$/m);
        expect(result.stdout).toMatch(/^target: no kube context \(pulumi up refuses until gitops:kubeContext is set\), cluster "[^"]+", dedicated to it: it installs everything$/m);
        expect(fs.existsSync(path.join(tmp, "dedicated", "charts/argocd/release.yaml"))).toBe(true);
    });

    it("renders a list of jobs in one run, telling how each went, a failed one not stopping the next", async () => {
        const jobs = path.join(tmp, "jobs.json");
        fs.writeFileSync(jobs, JSON.stringify([{ stack: "nosuchstack", out: path.join(tmp, "job-a") }, { stack: "dev", out: path.join(tmp, "job-b") }]));
        const result = await render("--jobs", jobs);
        expect(result.code, result.stderr).toBe(0);
        const [failed, fine] = JSON.parse(result.stdout) as { ok: boolean; message?: string }[];
        expect(failed.ok).toBe(false);
        expect(failed.message).toMatch(/nosuchstack/);
        expect(fine).toStrictEqual({ ok: true });
        expect(tree(path.join(tmp, "job-b"))).toStrictEqual(tree(devOut));
        expect(fs.existsSync(path.join(tmp, "job-a"))).toBe(false);
    });
});

describe("failureMessage", () => {
    afterEach(() => vi.unstubAllEnvs());

    it("tells a user's mistake as it is, and anything else as one error line, whatever was thrown", () => {
        vi.stubEnv("GITOPS_DEBUG", undefined);
        const mistakes = [new StackInputError("dev", "stacks/dev.ts", [{ path: "environment", message: "must be dev" }]), new RenderInputError('Stack "dev": the owner refuses')];
        for (const mistake of mistakes) expect(failureMessage(mistake)).toBe(`${mistake.message}\n`);
        // The diff tells a stack's mistake as it is too, recognised by name across module copies.
        expect(diffFailureMessage(mistakes[0])).toBe(`${mistakes[0].message}\n`);
        expect([new Error("boom"), "a string", undefined].map(failureMessage)).toStrictEqual(["error: boom\n", "error: a string\n", "error: undefined\n"]);
    });

    it("adds the stack trace with GITOPS_DEBUG set", () => {
        vi.stubEnv("GITOPS_DEBUG", "1");
        const error = new Error("boom");
        expect(failureMessage(error)).toBe(`error: boom\n${error.stack}\n`);
    });
});

describe.skipIf(skipExpansion)(expansionTitle("npm run render --charts"), () => {
    const tmp = temporaryDirs("render-charts-", "all");
    const dir = tmp();
    const outputs: Record<string, { code: number; stdout: string; stderr: string }> = {};
    beforeAll(async () => {
        assertCanExpand();
        for (const [name, stack] of [["prod", "prod"], ["again", "prod"], ["dev", "dev"]]) outputs[name] = await render("--stack", stack, "--charts", "--out", path.join(dir, name));
    }, 120_000);

    it("writes every release's objects as Pulumi applies them, after the transforms, the same bytes twice", () => {
        for (const output of Object.values(outputs)) expect(output.code, output.stderr).toBe(0);
        const prod = tree(path.join(dir, "prod"));
        expect(prod).toStrictEqual(tree(path.join(dir, "again")));
        const ingress = yaml.load(prod.get("charts/argocd/objects/argocd/ingress/argocd-server.yaml") as string) as any;
        expect(ingress.metadata.annotations["pulumi.com/skipAwait"]).toBe("true");
        const crds = [...prod.keys()].filter((f) => /^charts\/[^/]+\/objects\/_cluster\/customresourcedefinition\//.test(f));
        expect(crds.length).toBeGreaterThan(10);
        for (const file of crds) expect((yaml.load(prod.get(file) as string) as any).metadata.annotations["helm.sh/resource-policy"], file).toBe("keep");
        expect([...prod.keys()].filter((f) => f.endsWith("not-expanded.txt"))).toStrictEqual([]);
    });

    it("places a shared cluster's custom kinds by the CRDs its owner installs", () => {
        const dev = tree(path.join(dir, "dev"));
        expect([...dev.keys()]).toContain("charts/monitoring-dev/objects/monitoring-dev/prometheus/monitoring-dev-kube-promet-prometheus.yaml");
        expect([...dev.keys()].filter((f) => f.includes("/customresourcedefinition/"))).toStrictEqual([]);
    });
});
