/**
 * A render folder: how it is written (replaced as a whole, never half), recognised and read. Free
 * of the program's imports, so that `npm run diff`, which only reads render folders, starts
 * without loading Pulumi or the model.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RenderedTree } from "./tree";

/** Marks a folder as a render output, so a re-render may replace it and nothing else. */
export const MARKER = ".gitops-render";

/** Refuses, before any work, an `--out` that is a file or under one, or a folder that holds anything but an earlier render. */
export function checkOutDir(out: string): void {
    for (let dir = out; ; dir = path.dirname(dir)) {
        if (fs.existsSync(dir)) {
            if (!fs.statSync(dir).isDirectory()) throw new Error(`--out ${out}: ${dir === out ? "it" : dir} is a file, not a folder; choose a folder for the render`);
            break;
        }
        // Stryker disable next-line ConditionalExpression: the file system's root always exists, so the loop ends above first
        if (path.dirname(dir) === dir) break;
    }
    if (fs.existsSync(out) && !isRenderOrEmpty(out)) {
        throw new Error(`${out} is not empty and is not an earlier render (no ${MARKER} file); choose another --out folder`);
    }
}

function isRenderOrEmpty(dir: string): boolean {
    return fs.readdirSync(dir).length === 0 || fs.existsSync(path.join(dir, MARKER));
}

/** How often a render that finds another one moving into `out` at the same moment tries again. */
const SWAP_ATTEMPTS = 20;

/**
 * Replaces `out` as a whole with the files of `tree`: they are written into a staging folder
 * beside it, which is then renamed into place, so `out` only ever holds a whole render. Of two
 * renders into the same folder at once, the last to move in stays.
 */
export function writeTree(out: string, tree: RenderedTree): void {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const staging = fs.mkdtempSync(`${out}.staging-`);
    try {
        fs.writeFileSync(path.join(staging, MARKER), "Written by `npm run render`; the whole folder is replaced on every render.\n");
        const made = new Set<string>();
        for (const [file, content] of tree.files) {
            const dir = path.dirname(path.join(staging, file));
            // Stryker disable next-line ConditionalExpression: making a folder that exists does nothing; the set only saves the calls
            if (!made.has(dir)) fs.mkdirSync(dir, { recursive: true });
            made.add(dir);
            fs.writeFileSync(path.join(staging, file), content);
        }
        moveInto(staging, out);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
}

/** Renames `staging` to `out`, moving an earlier render there out of the way (and removing it). */
function moveInto(staging: string, out: string): void {
    for (let attempt = 1; ; attempt++) {
        const previous = `${staging}.previous-${attempt}`;
        try {
            fs.renameSync(out, previous);
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        }
        if (fs.existsSync(previous) && !isRenderOrEmpty(previous)) {
            fs.renameSync(previous, out);
            throw new Error(`${out} was filled with something other than a render while this one was written; nothing was changed there, choose another --out folder`);
        }
        try {
            fs.renameSync(staging, out);
            return;
        } catch (e) {
            // Another render moved in between the two renames: move it out of the way too.
            const code = (e as NodeJS.ErrnoException).code;
            if ((code !== "ENOTEMPTY" && code !== "EEXIST") || attempt === SWAP_ATTEMPTS) throw e;
        } finally {
            fs.rmSync(previous, { recursive: true, force: true });
        }
    }
}

/** Every file of a render folder, by path (in no order: diffTrees puts paths in order). */
export function readRender(dir: string): Map<string, string> {
    const files = new Map<string, string>();
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || entry.name === MARKER) continue;
        const full = path.join(entry.parentPath, entry.name);
        files.set(path.relative(dir, full), fs.readFileSync(full, "utf8"));
    }
    return files;
}
