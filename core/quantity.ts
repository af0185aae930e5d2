/**
 * Kubernetes resource quantities (`3800m`, `4`, `15993212Ki`, `16Gi`, `1.5G`) as numbers, and
 * back as people read them. The suffixes are Kubernetes' (k8s.io/apimachinery resource.Quantity):
 * binary `Ki`…`Ei`, decimal `k`…`E`, and `m` for thousandths.
 */

const SUFFIXES: Readonly<Record<string, number>> = {
    m: 1e-3,
    "": 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/** A quantity's value in base units (cores, bytes); throws on anything else. */
export function quantityValue(quantity: string): number {
    const match = /^([0-9]+(?:\.[0-9]+)?)(?:e([0-9]+))?([a-zA-Z]*)$/.exec(quantity.trim());
    const factor = match ? SUFFIXES[match[3]] : undefined;
    if (!match || factor === undefined) throw new Error(`"${quantity}" is not a Kubernetes quantity`);
    return Number(match[1]) * 10 ** Number(match[2] ?? 0) * factor;
}

/** Millicores of a CPU quantity, rounded up as the scheduler counts them. */
export function millicores(quantity: string): number {
    return Math.ceil(Math.round(quantityValue(quantity) * 1e6) / 1e3);
}

/** Bytes of a memory quantity. */
export function bytes(quantity: string): number {
    return Math.ceil(quantityValue(quantity));
}

/** `5250` millicores as `5.25 CPU`. */
export function formatCpu(milli: number): string {
    return `${Number((milli / 1000).toFixed(2))} CPU`;
}

/** Bytes in Gi or Mi, to a tenth: `9.5Gi`, `320Mi`. */
export function formatMemory(count: number): string {
    return count >= 2 ** 30 ? `${Number((count / 2 ** 30).toFixed(1))}Gi` : `${Number((count / 2 ** 20).toFixed(1))}Mi`;
}
