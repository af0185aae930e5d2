/**
 * A model's `values` of each release, checked before anything is registered: every key path
 * against the pinned chart's values (core/chartValues.ts), none of the program's own.
 */
import type { ProblemCollector } from "../model/problems";
import type { StackModel } from "../model/schema";
import { ownClusterParts } from "./catalogue";
import { credentialProblems } from "./chartCredentials";
import { chartKeys, formatKeyPath, type OwnedValue, ownedProblems, type ValuesProblem, valuesProblems } from "./chartValues";
import { MONITORING_OWNED_VALUES } from "./monitoring/release";

/** A release's `values` as the model has them: where, for which pinned chart, and what the program owns. */
interface ModelValues {
    readonly at: string;
    readonly chart: { readonly chart: string; readonly version: string };
    readonly values: Record<string, unknown>;
    readonly owned: readonly OwnedValue[];
}

function modelValues(model: StackModel): ModelValues[] {
    const { clusterWide } = model;
    const cluster = ownClusterParts(model).map((p) => {
        const slice = clusterWide?.[p.key] as NonNullable<NonNullable<typeof clusterWide>[typeof p.key]>;
        return { at: `clusterWide.${p.key}.values`, chart: slice.chart, values: slice.values, owned: p.ownedValues };
    });
    return [...cluster, { at: "monitoring.values", chart: model.monitoring.chart, values: model.monitoring.values, owned: MONITORING_OWNED_VALUES }];
}

export function checkReleaseValues(model: StackModel, problems: ProblemCollector): void {
    for (const { at, chart, values, owned } of modelValues(model)) {
        if (Object.keys(values).length === 0) continue;
        const keys = chartKeys(chart.chart);
        if (keys?.version !== chart.version) {
            problems.add(at, `cannot be checked: core/chartKeys/ has no index of chart ${chart.chart} ${chart.version}; run \`npm run chart-keys\` after pinning a chart`);
            continue;
        }
        const refused: ValuesProblem[] = [];
        const isRefused = (keyPath: readonly string[]) => refused.some((r) => r.keyPath.every((k, i) => k === keyPath[i]));
        // The program's keys first, then credentials, then keys the chart does not have, each path once.
        for (const found of [ownedProblems(values, owned), credentialProblems(values, chart.chart), valuesProblems(values, keys)]) refused.push(...found.filter((p) => !isRefused(p.keyPath)));
        for (const p of refused) problems.add(`${at}.${formatKeyPath(p.keyPath)}`, p.message);
    }
}
