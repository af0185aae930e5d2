/** The example fleet's spoke us (stack fleet-us): the hub's Argo CD may manage only its listed namespaces. */
import type { StackModelInput } from "../../model/schema";
import { FLEET, fleetMember } from "./shared";

const us: StackModelInput = { ...fleetMember("us", "spoke"), fleet: { role: "spoke", hub: FLEET.hub, server: FLEET.spokes.us.server, namespaces: ["metrics", "policies"] } };

export default us;
