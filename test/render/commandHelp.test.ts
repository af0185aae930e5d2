/**
 * `npm run render -- --help` and `npm run diff -- --help`: what Commander prints, read back as a
 * user reads it, and held against docs/reviewing.md's usage of each command.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { diffCommand } from "../../render/diffCommand";
import { renderCommand } from "../../render/renderCommand";
import { capturedOutput, ROOT } from "../harness";

/** The help's parts: the usage's command name, the description, and each option's description by flag. */
function parseHelp(text: string): { name: string | undefined; description: string; options: Map<string, string> } {
    const [usage, description] = text.split("\n\n").map((paragraph) => paragraph.replace(/\n\s*/g, " "));
    const options = new Map<string, string>();
    let last: string | undefined;
    for (const line of text.slice(text.indexOf("\nOptions:\n")).split("\n").slice(2)) {
        const option = /^ {2}(?:-\w, )?(--[\w-]+)(?: <\w+>)?(?: {2,}(.*))?$/.exec(line);
        if (option) options.set((last = option[1]), option[2] ?? "");
        // Commander wraps a long description onto lines of its own, indented under the first.
        else if (last !== undefined && /^ {4,}\S/.test(line)) options.set(last, `${options.get(last)} ${line.trim()}`);
    }
    return { name: /^Usage: (\S*) /.exec(usage)?.[1], description, options };
}

/** The flags the guide of the render and the diff gives for `npm run <command>`: its usage line, and the bullets that follow it. */
function documentedFlags(command: string): Set<string> {
    const readme = fs.readFileSync(path.join(ROOT, "docs", "reviewing.md"), "utf8");
    const usage = readme.split("\n").find((line) => line.startsWith(`npm run ${command} -- `));
    const section = readme.slice(readme.indexOf(usage ?? "\0"));
    const bullets = section.slice(0, section.indexOf("\n## ")).split("\n").filter((line) => line.startsWith("- `--"));
    return new Set([...[usage ?? "", ...bullets].join("\n").matchAll(/--[a-z][\w-]*/g)].map((m) => m[0]));
}

describe.each([
    ["render", (argv: string[], io: ReturnType<typeof capturedOutput>["io"]) => renderCommand(argv, io)],
    ["diff", (argv: string[], io: ReturnType<typeof capturedOutput>["io"]) => diffCommand(argv, ROOT, io)],
])("npm run %s -- --help", (command, run) => {
    it("names the command as npm runs it, says what it does, and describes every option docs/reviewing.md gives", async () => {
        const { io, written } = capturedOutput();
        expect(await run(["--help"], io)).toBe(0);
        const help = parseHelp(written.stdout);
        const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        expect(scripts[help.name ?? ""]).toMatch(/^tsx render\/\w+\.ts$/);
        expect(help.name).toBe(command);
        expect(help.description).toMatch(/^[A-Z].{20,}\.$/);
        expect(new Set([...help.options.keys()].filter((flag) => flag !== "--help"))).toStrictEqual(documentedFlags(command));
        for (const [flag, description] of help.options) expect(description, flag).toMatch(/^\w.{10,}[\w)]$/);
    });
});
