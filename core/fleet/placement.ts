/**
 * Which spoke receives which add-on and application: every ApplicationSet's cluster generator
 * evaluated offline against the fleet in the hub's model, as a table a reviewer reads in the
 * render's diff (what makes a placement an error is core/fleet/checks.ts).
 */
import type { AddonModel, FleetApplicationModel, HubModel } from "../../model/fleet";
import { clusterSecretLabels } from "./clusterSecret";
import { selects, selectorText } from "./selector";

/** The label by which a spoke asks for an add-on: `enable_<addon>: "true"`. */
export const ENABLE_PREFIX = "enable_";

/** One ApplicationSet of the hub and the spokes its generator selects, in the model's order. */
export interface Placed {
    readonly kind: "addon" | "application";
    /** Its model path, e.g. `fleet.addons[0]`. */
    readonly path: string;
    readonly item: AddonModel | FleetApplicationModel;
    readonly clusters: readonly string[];
}

/** Every add-on and application of the hub with the spokes it is placed on. */
export function placement(hub: HubModel): Placed[] {
    const labelled = hub.spokes.map((spoke) => ({ name: spoke.name, labels: clusterSecretLabels(spoke) }));
    const place = (kind: Placed["kind"], list: readonly (AddonModel | FleetApplicationModel)[], at: string) =>
        list.map((item, i) => ({ kind, path: `${at}[${i}]`, item, clusters: labelled.filter((c) => selects(item.selector, c.labels)).map((c) => c.name) }));
    return [...place("addon", hub.addons, "fleet.addons"), ...place("application", hub.applications, "fleet.applications")];
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** Where an item is placed: its clusters, and per directory where a git generator joins them (found by the controller, not offline). */
function placedOn(p: Placed): string {
    if (p.clusters.length === 0) return "none";
    const dirs = p.item.directories;
    const each = dirs ? ` × each directory of ${dirs.repoURL}@${dirs.revision} matching ${dirs.include.join(", ")}${dirs.exclude.length > 0 ? ` but ${dirs.exclude.join(", ")}` : ""}` : "";
    return `${p.clusters.join(", ")}${each}`;
}

/** The placement as Markdown: a row per spoke, a column per add-on and application. */
export function placementTable(stack: string, hub: HubModel, placed: readonly Placed[] = placement(hub)): string {
    const columns = placed.map((p) => ({ title: `${p.kind === "addon" ? "add-on" : "app"} ${p.item.name}`, on: new Set(p.clusters) }));
    const labels = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(", ");
    return [
        `# Fleet placement of hub "${stack}"`,
        "",
        "Which spoke receives which add-on and application, as the cluster generators of the hub's ApplicationSets select them (written by the program from the model; do not edit).",
        "",
        `| cluster | labels | ${columns.map((c) => cell(c.title)).join(" | ")} |`,
        `|---|---|${columns.map(() => ":-:|").join("")}`,
        ...hub.spokes.map((s) => `| ${s.name} | ${cell(labels(s.labels))} | ${columns.map((c) => (c.on.has(s.name) ? "✓" : " ")).join(" | ")} |`),
        "",
        "| ApplicationSet | selector | clusters |",
        "|---|---|---|",
        ...placed.map((p) => `| ${cell(p.item.name)} (${p.kind}) | ${cell(selectorText(p.item.selector))} | ${cell(placedOn(p))} |`),
        "",
    ].join("\n");
}
