/** Kubernetes quantities, read as the API server writes them. */
import { describe, expect, it } from "vitest";
import { bytes, formatCpu, formatMemory, millicores, quantityValue } from "../../core/quantity";

describe("quantities", () => {
    it("reads the forms of the Kubernetes docs' example, which are all about 129 MB", () => {
        // "Resource Management for Pods and Containers": 128974848, 129e6, 129M, 128974848000m, 123Mi.
        const values = ["128974848", "129e6", "129M", "128974848000m", "123Mi"].map(quantityValue);
        for (const value of values) expect(Math.abs(value - 129e6) / 129e6).toBeLessThan(0.001);
        expect(bytes("123Mi")).toBe(123 * 2 ** 20);
        expect(bytes("15993212Ki")).toBe(15993212 * 1024);
        // An exponent of more than one digit, and the spaces YAML may leave around a value.
        expect([quantityValue("12e10"), quantityValue(" 100m ")]).toStrictEqual([12e10, 0.1]);
    });

    it("counts CPU in millicores, rounding a fraction of one up as the scheduler does", () => {
        expect(["4", "3800m", "0.5", "100m", "1.0005"].map(millicores)).toStrictEqual([4000, 3800, 500, 100, 1001]);
    });

    it("refuses what is not a quantity", () => {
        for (const text of ["4 cores", "16GB", "", "-1", "Mi"]) expect(() => quantityValue(text), text).toThrow(`"${text}" is not a Kubernetes quantity`);
    });

    it("writes them back as people read them", () => {
        expect([formatCpu(4810), formatCpu(25), formatCpu(12000)]).toStrictEqual(["4.81 CPU", "0.03 CPU", "12 CPU"]);
        expect([formatMemory(9395240960), formatMemory(64 * 2 ** 20), formatMemory(15 * 2 ** 30)]).toStrictEqual(["8.8Gi", "64Mi", "15Gi"]);
        expect([formatMemory(2 ** 30), formatMemory(2 ** 30 - 2 ** 20)]).toStrictEqual(["1Gi", "1023Mi"]);
    });
});
