/** The entry of `npm run diff` (see diffCommand.ts). */
import { diffCommand, diffFailureMessage } from "./diffCommand";

const out = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) };
diffCommand(process.argv.slice(2), process.cwd(), out).then(
    (code) => {
        if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
        out.stderr(diffFailureMessage(error));
        process.exit(1);
    },
);
