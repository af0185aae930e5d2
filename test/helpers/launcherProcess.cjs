// The process test/helpers/launcher.ts starts programs from: each request (a program, its
// arguments, execFile's options and what to write to its stdin) is run with execFile, and its
// outcome sent back. It ends with the worker that forked it.
const { execFile } = require("node:child_process");

process.on("message", ({ id, file, args, options, input }) => {
    const child = execFile(file, args, { ...options, encoding: "utf8" }, (error, stdout, stderr) => {
        const failure = error ? { code: error.code, signal: error.signal, killed: error.killed, message: error.message } : undefined;
        process.send({ id, error: failure, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
});
process.on("disconnect", () => process.exit(0));
