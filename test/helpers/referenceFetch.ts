/**
 * Fetches the upstream reference data the tests judge by, for a clone that has no
 * `../shared/reference` beside it: each file of `.github/reference-sources.tsv` at its pinned tag,
 * checked against its sha256 before it is kept. Files already fetched and intact are not fetched
 * again, so a run without network still works once the cache is full.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** One pinned file: where it goes under `reference/`, where it comes from, and its sha256's first 16 hex digits. */
export interface ReferenceSource {
    readonly file: string;
    readonly repository: string;
    readonly path: string;
    readonly tag: string;
    readonly sha256Prefix: string;
    /**
     * For a file that a release build derives from the tagged source (cert-manager's Chart.yaml,
     * whose version the build sets): each `[from, to]` replaced once, in order, in what is fetched.
     */
    readonly edits?: readonly (readonly [string, string])[];
}

/** The pinned list: tab-separated `file repository path tag sha256-prefix [edits as JSON]`, `#` comments. */
export function readSources(tsvFile: string): ReferenceSource[] {
    return fs
        .readFileSync(tsvFile, "utf8")
        .split("\n")
        .flatMap((line, i) => {
            if (line.trim() === "" || line.startsWith("#")) return [];
            const [file, repository, sourcePath, tag, sha256Prefix, edits, ...rest] = line.split("\t");
            const malformed = () => new Error(`${tsvFile}: line ${i + 1} is not "file<TAB>repository<TAB>path<TAB>tag<TAB>sha256 prefix[<TAB>edits]"`);
            if (!sha256Prefix || rest.length > 0 || !/^[0-9a-f]{16}$/.test(sha256Prefix)) throw malformed();
            return [{ file, repository, path: sourcePath, tag, sha256Prefix, ...(edits === undefined ? {} : { edits: parseEdits(edits, malformed) }) }];
        });
}

/** The edits column: a JSON list of `[from, to]` string pairs. */
function parseEdits(text: string, malformed: () => Error): [string, string][] {
    let edits: unknown;
    try {
        edits = JSON.parse(text);
    } catch {
        throw malformed();
    }
    if (!Array.isArray(edits) || !edits.every((e) => Array.isArray(e) && e.length === 2 && e.every((part) => typeof part === "string"))) throw malformed();
    return edits as [string, string][];
}

/** The fetched file with a release build's edits applied; an edit whose text is not there leaves the file as fetched, which its hash then refuses. */
function applyEdits(body: Buffer, edits: readonly (readonly [string, string])[] = []): Buffer {
    return edits.length === 0 ? body : Buffer.from(edits.reduce((text, [from, to]) => text.replace(from, () => to), body.toString("utf8")));
}

const sha256Prefix = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

/** What to do when the reference data cannot be had: the one message every failure ends with. */
const WHAT_TO_DO = "the tests judge the program by this upstream data: run them once with network access (the files are then cached in node_modules/.cache), clone the project beside shared/, or set GITOPS_SHARED_DIR to a folder holding reference/";

/**
 * Makes `<dest>/<file>` of every source present and intact, downloading what is missing from
 * `<baseUrl>/<repository>/<tag>/<path>`. Throws one message naming the file, its source and what
 * to do when a download fails or does not match its hash; a bad file is never left in place.
 */
export async function fetchReference(sources: readonly ReferenceSource[], dest: string, baseUrl = "https://raw.githubusercontent.com"): Promise<{ fetched: number; cached: number }> {
    let fetched = 0;
    for (const source of sources) {
        const target = path.join(dest, source.file);
        if (fs.existsSync(target) && sha256Prefix(fs.readFileSync(target)) === source.sha256Prefix) continue;
        const url = `${baseUrl}/${source.repository}/${source.tag}/${source.path}`;
        let body: Buffer;
        try {
            const response = await fetch(url);
            if (!response.ok) throw new Error(`HTTP ${response.status}`);
            body = applyEdits(Buffer.from(await response.arrayBuffer()), source.edits);
        } catch (e) {
            const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
            throw new Error(`could not fetch ${source.file} from ${url} (${cause}); ${WHAT_TO_DO}`);
        }
        const actual = sha256Prefix(body);
        if (actual !== source.sha256Prefix) {
            throw new Error(`${source.file} from ${source.repository}@${source.tag} has sha256 ${actual}…, but ${source.sha256Prefix}… is pinned: it is not the file the tests were written against, so it was not kept; ${WHAT_TO_DO}`);
        }
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(`${target}.partial`, body);
        fs.renameSync(`${target}.partial`, target);
        fetched++;
    }
    return { fetched, cached: sources.length - fetched };
}
