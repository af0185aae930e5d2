/**
 * Kubernetes label selectors as Argo CD's cluster generator evaluates them against a cluster
 * Secret's labels (it converts the generator's `selector` with `metav1.LabelSelectorAsSelector`):
 * every `matchLabels` pair and every expression must hold. `In`: the key is present with one of
 * the values; `NotIn`: the key is absent or has none of them; `Exists` / `DoesNotExist`: the key
 * is present / absent. An empty selector selects every cluster.
 * Sources: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
 * and https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Cluster/#label-selector
 */
import type { SelectorModel } from "../../model/fleet";

export type Labels = Readonly<Record<string, string>>;

/** Whether `selector` selects an object with `labels`. */
export function selects(selector: SelectorModel, labels: Labels): boolean {
    const has = (key: string) => Object.hasOwn(labels, key);
    return (
        Object.entries(selector.matchLabels).every(([key, value]) => has(key) && labels[key] === value) &&
        selector.matchExpressions.every(({ key, operator, values }) => {
            switch (operator) {
                case "In":
                    return has(key) && values.includes(labels[key]);
                case "NotIn":
                    return !has(key) || !values.includes(labels[key]);
                case "Exists":
                    return has(key);
                case "DoesNotExist":
                    return !has(key);
            }
        })
    );
}

/** The selector as `kubectl get -l` writes one, for tables and messages: `env=prod,region in (eu,us),!legacy`; `(every cluster)` when empty. */
export function selectorText(selector: SelectorModel): string {
    const parts = [
        ...Object.entries(selector.matchLabels).map(([key, value]) => `${key}=${value}`),
        ...selector.matchExpressions.map(({ key, operator, values }) => {
            switch (operator) {
                case "In":
                    return `${key} in (${values.join(",")})`;
                case "NotIn":
                    return `${key} notin (${values.join(",")})`;
                case "Exists":
                    return key;
                case "DoesNotExist":
                    return `!${key}`;
            }
        }),
    ];
    return parts.length === 0 ? "(every cluster)" : parts.join(",");
}
