/** The entry of `npm run check` (see command.ts). */
import { failureMessage } from "../render/renderCommand";
import { checkCommand } from "./command";

const out = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) };
checkCommand(process.argv.slice(2), out).then(
    (code) => {
        if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
        out.stderr(failureMessage(error));
        process.exit(1);
    },
);
