/**
 * A small static reader of Go `text/template` source: enough to reject what the consumers
 * would reject at run time (unbalanced actions and blocks, unknown functions), before apply.
 */

const KEYWORDS = new Set(["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil", "true", "false"]);
const OPENERS = new Set(["if", "range", "with", "define", "block"]);

/** Functions every Go template has. */
export const GO_BUILTINS: ReadonlySet<string> = new Set([
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery",
    "eq", "ge", "gt", "le", "lt", "ne",
]);

/** Functions Helm adds on top of sprig; no other template engine has them. */
export const HELM_ONLY_FUNCTIONS: ReadonlySet<string> = new Set([
    "include", "tpl", "required", "lookup", "toYaml", "toYamlPretty", "fromYaml", "fromYamlArray", "toToml", "fromToml",
    "fromJson", "fromJsonArray", "mustToYaml", "mustFromYaml",
]);

export interface TemplateReport {
    /** Function names the template calls. */
    readonly functions: readonly string[];
    /** Syntax problems; empty when the template parses. */
    readonly errors: readonly string[];
}

/** Strips string, raw-string and rune literals so their content is not read as code. */
function withoutLiterals(action: string): string {
    return action.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, " ");
}

/** Lists the actions (`{{ ... }}`) of a template, or reports an unterminated one. */
function actions(source: string, errors: string[]): string[] {
    const found: string[] = [];
    let at = 0;
    for (;;) {
        const open = source.indexOf("{{", at);
        if (open < 0) return found;
        let i = open + 2;
        // Find the closing braces outside string literals.
        let quote: string | undefined;
        for (; i < source.length - 1; i++) {
            const c = source[i];
            if (quote) {
                if (c === "\\" && quote !== "`") i++;
                else if (c === quote) quote = undefined;
            } else if (c === '"' || c === "`" || c === "'") quote = c;
            else if (c === "}" && source[i + 1] === "}") break;
        }
        if (i >= source.length - 1) {
            errors.push(`unclosed action starting at offset ${open}: "${source.slice(open, open + 30)}"`);
            return found;
        }
        found.push(source.slice(open + 2, i).replace(/^-\s/, "").replace(/\s-$/, "").trim());
        at = i + 2;
    }
}

/** Reads a template: the functions it calls and any structural error. */
export function readGoTemplate(source: string): TemplateReport {
    const errors: string[] = [];
    const functions = new Set<string>();
    const open: string[] = [];
    for (const action of actions(source, errors)) {
        if (action.startsWith("/*")) continue;
        const code = withoutLiterals(action);
        const [first] = code.split(/[\s(|]+/).filter((w) => w !== "");
        if (first !== undefined && OPENERS.has(first)) open.push(first);
        if (first === "end" && open.pop() === undefined) errors.push(`"{{end}}" without a matching if, range, with, define or block`);
        if (first === "else" && open.length === 0) errors.push(`"{{else}}" outside an if, range or with`);
        // An identifier not preceded by '.', '$' or another identifier character is a function call.
        for (const m of code.matchAll(/(^|[^.$\w])([A-Za-z_][A-Za-z0-9_]*)/g)) {
            const word = m[2];
            if (!KEYWORDS.has(word)) functions.add(word);
        }
    }
    for (const block of open) errors.push(`"{{${block}}}" is never closed with "{{end}}"`);
    return { functions: [...functions].sort(), errors };
}
