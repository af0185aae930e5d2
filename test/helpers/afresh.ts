/** Modules loaded afresh, as a new process loads them: for what a module decides when it loads. */
import { vi } from "vitest";

/** What a module loaded afresh sees while it loads. */
export interface AfreshOptions {
    /** Environment variables to set; undefined unsets one. */
    readonly env?: Readonly<Record<string, string | undefined>>;
    /** Modules to replace, by absolute path or package name; each factory is given a loader of the real module. */
    readonly mocks?: Readonly<Record<string, (actual: () => Promise<any>) => object | Promise<object>>>;
}

/**
 * Runs `load` with this project's modules evaluated again, over `env` and `mocks`, and puts
 * both back afterwards; modules imported later load afresh too, without the mocks.
 */
export async function afresh<T>(load: () => Promise<T>, { env = {}, mocks = {} }: AfreshOptions = {}): Promise<T> {
    vi.resetModules();
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    for (const [module, factory] of Object.entries(mocks)) vi.doMock(module, factory);
    try {
        return await load();
    } finally {
        for (const module of Object.keys(mocks)) vi.doUnmock(module);
        vi.unstubAllEnvs();
        vi.resetModules();
    }
}
