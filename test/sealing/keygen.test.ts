/**
 * `npm run keygen`: once as a user runs it (a fresh process, files on disk, exit code and output),
 * its other paths in-process, and the pair it writes, judged by Node's own X.509 parser and by
 * parseSealingCertificate.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { keygen as runKeygen } from "../../scripts/keygen";
import { parseSealingCertificate } from "../../sealing/certificate";
import { sealValue } from "../../sealing/seal";
import { launch } from "../helpers/launcher";
import { temporaryDirs } from "../helpers/tmp";
import { unseal } from "../helpers/unseal";

const ROOT = path.join(__dirname, "..", "..");
/** tsx as `npm run keygen` uses it, loaded into the one process (its CLI would start a second). */
const TSX = ["--import", pathToFileURL(require.resolve("tsx")).href];
const KEYGEN = path.join(ROOT, "scripts", "keygen.ts");
const FIXTURE_KEY = crypto.createPrivateKey(fs.readFileSync(path.join(ROOT, "test", "fixtures", "sealing", "test.key"), "utf8"));
// RSA-4096 generation takes a few seconds, occasionally much longer.
const SLOW = 120_000;

const tmpDir = temporaryDirs("keygen-test-");

async function keygen(cwd: string, ...args: string[]): Promise<{ status: number | undefined; stdout: string; stderr: string }> {
    const { error, stdout, stderr } = await launch(process.execPath, [...TSX, KEYGEN, ...args], { cwd });
    return { status: error ? (typeof error.code === "number" ? error.code : undefined) : 0, stdout, stderr };
}

/** Checks a generated pair: a controller-like certificate for the key (of `bits`), and that sealing round-trips. */
function expectControllerLikePair(dir: string, bits = 4096): void {
    const certPem = fs.readFileSync(path.join(dir, "sealing.crt"), "utf8");
    const keyPem = fs.readFileSync(path.join(dir, "sealing.key"), "utf8");
    const x509 = new crypto.X509Certificate(certPem);
    expect(x509.subject).toBe("CN=sealed-secret");
    expect(x509.issuer).toBe("CN=sealed-secret");
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(bits);
    const cert = parseSealingCertificate(certPem, { privateKeyPem: keyPem });
    const validDays = (cert.notAfter.getTime() - new Date(x509.validFrom).getTime()) / 86_400_000;
    expect(validDays).toBe(3650);
    expect(Math.abs(new Date(x509.validFrom).getTime() - Date.now())).toBeLessThan(SLOW);
    const scope = { namespace: "ns", name: "secret" };
    expect(unseal(keyPem, "ns", "secret", sealValue(cert, Buffer.alloc(32, 7), scope, "k", "round trip"))).toBe("round trip");
    expect(fs.statSync(path.join(dir, "sealing.key")).mode & 0o077).toBe(0);
}

describe("npm run keygen", () => {
    it(
        "writes the pair into the current directory by default and prints the config commands for --stack",
        async () => {
            const dir = tmpDir();
            const result = await keygen(dir, "--stack", "acme/gitops/dev");
            expect(result.stderr).toBe("");
            expect(result.status).toBe(0);
            expectControllerLikePair(dir);
            const lines = result.stdout.split("\n");
            expect(lines).toContain(`  pulumi config set --stack acme/gitops/dev gitops:sealingCertificate -- "$(cat ${dir}/sealing.crt)"`);
            expect(lines).toContain(`  pulumi config set --stack acme/gitops/dev --secret gitops:sealingKey -- "$(cat ${dir}/sealing.key)"`);
            expect(lines.filter((line) => /back up .*sealing\.key offline .*delete the local file/.test(line))).toHaveLength(1);
        },
        SLOW,
    );

    it("prints its usage with --help or -h, exits 0 and writes nothing", async () => {
        const dir = tmpDir();
        const result = await keygen(dir, "--help");
        expect(result.status).toBe(0);
        expect(result.stdout).toMatch(/^usage: npm run keygen -- \[--out <dir>\] \[--stack <name>\]\n\n/);
        expect(result.stdout).toMatch(/--out <dir>.*\n.*--stack <name>/);
        expect(fs.readdirSync(dir)).toStrictEqual([]);
        // -h, in this process: the same usage, and nothing generated.
        expect(await runKeygen(["-h"], () => Promise.reject(new Error("no key may be generated")))).toBe(result.stdout);
    });

    it("writes into --out, creating it, and quotes paths the shell would split", async () => {
        const dir = path.join(tmpDir(), "new dir", "keys");
        // The test's own key: the generation is the first test's, and takes seconds.
        const printed = await runKeygen(["--out", dir], async () => FIXTURE_KEY);
        expectControllerLikePair(dir, 2048);
        expect(printed).toContain(`  pulumi config set gitops:sealingCertificate -- "$(cat '${dir}/sealing.crt')"\n`);
        expect(printed).toContain(`  pulumi config set --secret gitops:sealingKey -- "$(cat '${dir}/sealing.key')"\n`);
    });

    it.each(["sealing.key", "sealing.crt"])("refuses to overwrite an existing %s, changing nothing", async (existing) => {
        const dir = tmpDir();
        fs.writeFileSync(path.join(dir, existing), "keep me");
        await expect(runKeygen(["--out", dir])).rejects.toThrow(`${path.join(dir, existing)} already exists; refusing to overwrite it (move it away or choose another --out)`);
        expect(fs.readdirSync(dir)).toStrictEqual([existing]);
        expect(fs.readFileSync(path.join(dir, existing), "utf8")).toBe("keep me");
    });

    it.each([
        [["--bogus"], /^Unknown option '--bogus'.*usage: npm run keygen -- \[--out <dir>\] \[--stack <name>\]/],
        [["somewhere"], /^Unexpected argument 'somewhere'/],
        [["--out"], /^Option '--out <value>' argument missing/],
        [["--out", ""], /^--out needs a directory/],
        [["--stack", "dev; rm -rf ~"], /^--stack "dev; rm -rf ~" is not a Pulumi stack name/],
    ])("refuses %j with a reason and writes nothing", async (args, message) => {
        const before = fs.readdirSync(process.cwd());
        await expect(runKeygen(args)).rejects.toThrow(message);
        expect(fs.readdirSync(process.cwd())).toStrictEqual(before);
    });

    it("prints a failure as one line with exit code 1", async () => {
        const dir = tmpDir();
        const result = await keygen(dir, "--bogus");
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(/^keygen: Unknown option '--bogus'.*\n$/);
        expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
        expect(result.stdout).toBe("");
        expect(fs.readdirSync(dir)).toStrictEqual([]);
    });
});
