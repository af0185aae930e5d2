/** Modules loaded afresh, as a new process loads them: for what a module decides when it loads. */
import { vi } from "vitest";

/** What a module loaded afresh sees while it loads. */
export interface AfreshOptions {
    /** Environment variables to set; undefined unsets one. */
    readonly env?: Readonly<Record<string, string | undefined>>;
    /** Modules to replace, by absolute path or package name; each factory is given a loader of the real module. */
    readonly mocks?: Readonly<Record<string, (actual: () => Promise<any>) => object | Promise<object>>>;
}

let loads = 0;
/**
 * Imports the module at `file` (an absolute path) evaluated again, over `env` and `mocks`, and
 * puts both back afterwards. Only that module loads again: the others it imports stay as they
 * are, and with them what the suite shares, such as the programs run once per worker.
 */
export async function importAfresh<T>(file: string, { env = {}, mocks = {} }: AfreshOptions = {}): Promise<T> {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    for (const [module, factory] of Object.entries(mocks)) vi.doMock(module, factory);
    try {
        return (await import(/* @vite-ignore */ `${file}?afresh=${++loads}`)) as T;
    } finally {
        for (const module of Object.keys(mocks)) vi.doUnmock(module);
        vi.unstubAllEnvs();
    }
}
