/**
 * A hub's placement checked as a whole, before anything is registered: an add-on a spoke enables
 * that no ApplicationSet places there, a template that reads what a selected spoke lacks (or that
 * the controller would refuse), and add-on secrets that would overwrite each other, each at its model path.
 */
import type { AddonModel, FleetApplicationModel, HubModel } from "../../model/fleet";
import type { ProblemCollector } from "../../model/problems";
import type { StackModel } from "../../model/schema";
import { spokeSecrets } from "./delivery";
import { ENABLE_PREFIX, type Placed, placement } from "./placement";
import { selectorText } from "./selector";
import { clusterParams, missingFor, templateReads } from "./templates";

/** The templated string fields of an add-on or application, by their path under it. */
function templatedFields(item: AddonModel | FleetApplicationModel): [string, string][] {
    return [
        ["source.repoURL", item.source.repoURL],
        ["source.path", item.source.path],
        ["source.targetRevision", item.source.targetRevision],
        ["namespace", item.namespace],
        ...Object.entries(item.parameters).map(([key, value]): [string, string] => [`parameters.${key}`, value]),
    ];
}

/** The add-on secrets the hub delivers into each spoke: never two of the same name in one place. */
function checkDelivery(hub: HubModel, placed: readonly Placed[], problems: ProblemCollector): void {
    const paths = new Map(placed.map((p) => [p.item.name, p.path]));
    for (const [cluster, secrets] of spokeSecrets(hub, placed)) {
        const seen = new Set<string>();
        for (const { addon, secret } of secrets) {
            const at = `${paths.get(addon)}.secrets`;
            const key = `${secret.namespace}/${secret.name}`;
            if (seen.has(key)) problems.add(at, `put Secret ${key} into cluster "${cluster}" where another add-on placed there puts it too: name each add-on's secrets apart`);
            seen.add(key);
        }
    }
}

/** The hub's placement checked as a whole (see above). */
export function checkFleetPlacement(model: StackModel, problems: ProblemCollector): void {
    if (model.fleet?.role !== "hub") return;
    const hub = model.fleet;
    const placed = placement(hub);
    const addons = new Map(placed.filter((p) => p.kind === "addon").map((p) => [p.item.name, p]));
    hub.spokes.forEach((spoke, i) => {
        for (const [key, value] of Object.entries(spoke.labels)) {
            if (!key.startsWith(ENABLE_PREFIX) || value !== "true") continue;
            const name = key.slice(ENABLE_PREFIX.length);
            const addon = addons.get(name);
            const at = `fleet.spokes[${i}].labels.${key}`;
            if (!addon) problems.add(at, `enables add-on "${name}", which no ApplicationSet of this hub places: add it under fleet.addons${addons.size > 0 ? ` (it has: ${[...addons.keys()].join(", ")})` : ""}, or remove the label`);
            else if (!addon.clusters.includes(spoke.name)) problems.add(at, `enables add-on "${name}", whose selector (${selectorText(addon.item.selector)}, ${addon.path}.selector) does not select cluster "${spoke.name}": widen the selector, or remove the label`);
        }
    });
    checkDelivery(hub, placed, problems);
    const spokes = new Map(hub.spokes.map((s) => [s.name, clusterParams(s, "")]));
    for (const p of placed) {
        const directories = p.item.directories !== undefined;
        for (const [field, template] of templatedFields(p.item)) {
            const reads = templateReads(template, directories);
            // Without .path in source.path every directory's Application would deploy the same thing.
            if (directories && field === "source.path" && !reads.params.includes("path")) {
                problems.add(`${p.path}.source.path`, `is the same for every directory that ${p.path}.directories finds: read the directory, e.g. "{{.path.path}}"`);
            }
            for (const error of reads.errors) problems.add(`${p.path}.${field}`, error);
            for (const cluster of p.clusters) for (const message of missingFor(reads, spokes.get(cluster) as ReturnType<typeof clusterParams>)) problems.add(`${p.path}.${field}`, message);
        }
    }
}
