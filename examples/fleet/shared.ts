/**
 * What the example fleet's three stacks share: each is the shipped platform on a cluster of its
 * own (stacks/shared), named after its place in the fleet: the hub's with its Argo CD (topology
 * "dedicated"), a spoke's without (topology "spoke": the hub's manages it). See docs/fleet.md.
 */
import type { StackModelInput } from "../../model/schema";
import { devSettings } from "../../stacks/dev";
import { platformStack, type Topology } from "../../stacks/shared";
import { SIZING } from "../../stacks/shared/constants";

/** The hub's and spokes' stacks, and the spokes' API servers as the hub reaches them. */
export const FLEET = {
    hub: "fleet-hub",
    spokes: {
        eu: { stack: "fleet-eu", server: "https://api.eu.fleet.example.com:6443" },
        us: { stack: "fleet-us", server: "https://api.us.fleet.example.com:6443" },
    },
} as const;

/** The platform of one cluster of the fleet, its environment and cluster named `name`: the hub's, or a spoke's. */
export function fleetMember(name: string, topology: Extract<Topology, "dedicated" | "spoke"> = "dedicated"): StackModelInput {
    const model = platformStack({ ...devSettings, environment: name, peerEnvironments: [], argocdAddress: `argocd-${name}`, grafanaAddress: `grafana-${name}`, sizing: SIZING.small }, topology);
    return { ...model, cluster: { ...model.cluster, name } };
}
