/**
 * The README and the guides in docs/ as a reader follows them: every command of a shell block
 * marked runnable (```sh runnable) names an npm script that exists, with flags its command takes,
 * as its own help says; every link leads to a file that exists and a heading it has.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./harness";
import { HELP } from "./helpers/commandHelp";

/** The README and every guide, by path from the checkout. */
const PAGES = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const text = (page: string) => fs.readFileSync(path.join(ROOT, page), "utf8");

const scripts = (JSON.parse(text("package.json")) as { scripts: Record<string, string> }).scripts;

/** Every command of the page's runnable shell blocks: one per line and `&&`, comments left out. */
function runnableCommands(page: string): string[] {
    return [...text(page).matchAll(/^```sh runnable\n([\s\S]*?)^```$/gm)].flatMap(([, block]) =>
        block
            .split("\n")
            .map((line) => line.replace(/\s+#.*$/, "").trim())
            .filter((line) => line !== "" && !line.startsWith("#"))
            .flatMap((line) => line.split("&&").map((command) => command.trim())),
    );
}

/** GitHub's anchor of a heading. */
const anchorOf = (heading: string) =>
    heading
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-");

/** The anchors of a page's headings, code blocks left out. */
function anchorsOf(page: string): Set<string> {
    const outside = text(page).replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, "");
    return new Set([...outside.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => anchorOf(heading)));
}

describe("the README and the guides", () => {
    it("each give runnable commands, the README first among them", () => {
        expect(runnableCommands("README.md").slice(0, 4)).toStrictEqual(["npm ci", "npm run render -- --stack dev", "npm ci", "npm test"]);
        expect(PAGES.length).toBeGreaterThan(8);
    });

    it("know the help of every npm script, so that none escapes the check below", () => {
        expect(Object.keys(scripts).filter((name) => name !== "test").sort()).toStrictEqual(Object.keys(HELP).sort());
    });

    it.each(PAGES)("%s: every npm command of a runnable block names a script that exists, with flags its command takes", async (page) => {
        for (const command of runnableCommands(page).filter((c) => c.startsWith("npm "))) {
            const [, verb, script, rest = ""] = /^npm (ci|test|run (\S+))(?: -- (.*))?$/.exec(command) ?? [];
            expect(verb, command).toBeDefined();
            if (script === undefined) continue;
            expect(Object.keys(scripts), command).toContain(script);
            const help = await HELP[script]();
            for (const flag of rest.match(/(?<=^|\s)--?[\w-]+/g) ?? []) expect(help, `${command}: ${flag}`).toMatch(new RegExp(`(^|[\\s,\\[])${flag}\\b`, "m"));
        }
    }, 30_000);

    it.each(PAGES)("%s: every link leads to a file that exists, and a heading it has", (page) => {
        const links = [...text(page).replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, "").matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target).filter((target) => !/^[a-z]+:/.test(target));
        for (const link of links) {
            const [file, anchor] = link.split("#");
            const target = file === "" ? page : path.normalize(path.join(path.dirname(page), file));
            expect(fs.existsSync(path.join(ROOT, target)), `${page}: ${link}`).toBe(true);
            if (anchor !== undefined && target.endsWith(".md")) expect([...anchorsOf(target)], `${page}: ${link}`).toContain(anchor);
        }
    });
});
