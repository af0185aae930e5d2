/** What one pod asks of a node, counted as the scheduler counts it. */
import { describe, expect, it } from "vitest";
import { podRequests } from "../../core/footprint";

describe("podRequests", () => {
    it("is the sum of the containers, or the largest init container where that asks more (init containers run one at a time, before the others)", () => {
        const containers = [{ cpu: "100m", memory: "64Mi" }, { cpu: "50m", memory: "32Mi" }];
        expect(podRequests({ containers })).toStrictEqual({ cpu: 150, memory: 96 * 2 ** 20 });
        expect(podRequests({ containers, initContainers: [{ cpu: "500m", memory: "16Mi" }, { cpu: "200m", memory: "1Gi" }] })).toStrictEqual({ cpu: 500, memory: 2 ** 30 });
    });
});
