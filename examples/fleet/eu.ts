/** The example fleet's spoke eu (stack fleet-eu): its own platform but Argo CD, prepared for the hub's Argo CD. */
import type { StackModelInput } from "../../model/schema";
import { FLEET, fleetMember } from "./shared";

const eu: StackModelInput = { ...fleetMember("eu", "spoke"), fleet: { role: "spoke", hub: FLEET.hub, server: FLEET.spokes.eu.server } };

export default eu;
