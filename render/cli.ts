/**
 * The entry of `npm run render` (see renderCommand.ts). `npm run diff` runs each commit's own
 * copy of this file, so its path and `--jobs` stay as they are.
 */
import { failureMessage, renderCommand } from "./renderCommand";

const out = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) };
const fail = (error: unknown) => {
    out.stderr(failureMessage(error));
    process.exit(1);
};
process.on("unhandledRejection", fail);
renderCommand(process.argv.slice(2), out).then((code) => {
    if (code !== 0) process.exit(code);
}, fail);
