/** Git in the tests: a command in a repository, and a repository of one commit made from files. */
import * as fs from "node:fs";
import * as path from "node:path";
import { execLaunched } from "./launcher";

/** Runs git in `cwd`; resolves with what it printed, trimmed. */
export const git = (cwd: string, ...args: string[]): Promise<string> => execLaunched("git", args, { cwd }).then((r) => r.stdout.trim());

/** Makes `dir` a repository on `branch` whose one commit holds `files` (path: text), but the paths `excluded` matches; returns the commit. */
export async function repositoryWith(dir: string, files: Readonly<Record<string, string>>, { branch = "main", excluded = [] as string[] } = {}): Promise<string> {
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    }
    await git(dir, "init", "-q", "-b", branch);
    fs.appendFileSync(path.join(dir, ".git", "info", "exclude"), excluded.map((pattern) => `${pattern}\n`).join(""));
    await git(dir, "add", "-A");
    await git(dir, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "one");
    return git(dir, "rev-parse", "HEAD");
}
