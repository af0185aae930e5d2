/** The figures every part is sized by: requests by weight, a memory limit above each, budgets and claims as the charts take them. */
import { describe, expect, it } from "vitest";
import { claimSpec, disruptionBudget, resources } from "../../core/sizing";

/** A Kubernetes memory quantity in MiB. */
const mebibytes = (quantity: string) => Number(quantity.slice(0, -2)) * (quantity.endsWith("Gi") ? 1024 : 1);
/** A CPU quantity in millicores. */
const millicores = (quantity: string) => (quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000);

describe("resources", () => {
    const weights = ["tiny", "light", "medium", "heavy"] as const;

    it("requests more for a heavier container, and more in production than in small", () => {
        for (const size of ["small", "production"] as const) {
            const requests = weights.map((w) => resources(size, w).requests);
            for (let i = 1; i < requests.length; i++) {
                expect(millicores(requests[i].cpu)).toBeGreaterThan(millicores(requests[i - 1].cpu));
                expect(mebibytes(requests[i].memory)).toBeGreaterThan(mebibytes(requests[i - 1].memory));
            }
        }
        for (const w of weights) expect(mebibytes(resources("production", w).requests.memory)).toBeGreaterThan(mebibytes(resources("small", w).requests.memory));
    });

    it("limits memory to twice the request, and never CPU (a CPU limit throttles a controller under load)", () => {
        for (const w of weights) {
            const { requests, limits } = resources("production", w);
            expect(mebibytes(limits.memory)).toBe(2 * mebibytes(requests.memory));
            expect(limits).not.toHaveProperty("cpu");
        }
    });
});

describe("disruptionBudget", () => {
    it("keeps all but one pod through a drain from two replicas, and none for one (it would block every drain)", () => {
        expect(disruptionBudget(1)).toStrictEqual({ enabled: false });
        expect(disruptionBudget(3)).toStrictEqual({ enabled: true, maxUnavailable: 1 });
    });
});

describe("claimSpec", () => {
    it("claims one node's volume of the size asked, in the class asked or the cluster's default", () => {
        expect(claimSpec({ size: "5Gi" })).toStrictEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } });
        expect(claimSpec({ size: "5Gi", storageClass: "fast" })).toMatchObject({ storageClassName: "fast" });
    });
});
