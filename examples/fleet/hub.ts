/**
 * The example fleet's hub (stack fleet-hub): the platform of its own cluster, whose Argo CD manages
 * the spokes eu and us by label. `npm run render -- --stack fleet-hub` renders it with
 * demo/fleet-hub.yaml, the spokes' outputs computed from their models (docs/fleet.md).
 */
import type { StackModelInput } from "../../model/schema";
import { FLEET, fleetMember } from "./shared";

const ADDONS_REPO = "https://github.com/example-org/fleet-addons";
const SHOP_REPO = "https://github.com/example-org/shop";

const hub: StackModelInput = {
    ...fleetMember("hub"),
    fleet: {
        role: "hub",
        spokes: [
            {
                name: "eu",
                labels: { environment: "prod", region: "eu", team: "shop", enable_metrics: "true", enable_policies: "true" },
                prometheusUrl: "https://prometheus.eu.fleet.example.com",
                ingressDomain: "eu.fleet.example.com",
                source: { stack: FLEET.spokes.eu.stack },
            },
            {
                name: "us",
                labels: { environment: "prod", region: "us", enable_metrics: "true" },
                prometheusUrl: "https://prometheus.us.fleet.example.com",
                ingressDomain: "us.fleet.example.com",
                source: { stack: FLEET.spokes.us.stack },
            },
        ],
        addons: [
            {
                // Every cluster that asks for it, with its own Prometheus and a remote-write password sealed for it.
                name: "metrics",
                selector: { matchLabels: { enable_metrics: "true" } },
                source: { repoURL: ADDONS_REPO, path: "metrics/{{.metadata.labels.environment}}" },
                namespace: "metrics",
                parameters: { prometheusUrl: '{{index .metadata.annotations "gitops-platform/prometheus-url"}}', cluster: "{{.name}}" },
                secrets: [{ name: "metrics-remote-write", namespace: "metrics", data: { password: "gitops:fleetMetricsPassword" } }],
            },
            {
                name: "policies",
                selector: { matchLabels: { enable_policies: "true" }, matchExpressions: [{ key: "environment", operator: "In", values: ["prod"] }] },
                source: { repoURL: ADDONS_REPO, path: "policies" },
                namespace: "policies",
            },
        ],
        applications: [
            {
                name: "shop",
                project: "shop",
                selector: { matchLabels: { team: "shop" } },
                source: { repoURL: SHOP_REPO, path: "deploy/{{.metadata.labels.region}}" },
                namespace: "shop",
                parameters: { host: '{{printf "shop.%s" (index .metadata.annotations "gitops-platform/ingress-domain")}}' },
            },
            {
                // One Application per service directory of the shop's repository, on each of the team's clusters.
                name: "shop-services",
                project: "shop",
                selector: { matchLabels: { team: "shop" } },
                directories: { repoURL: SHOP_REPO, include: ["services/*"], exclude: ["services/experimental"] },
                source: { repoURL: SHOP_REPO, path: "{{.path.path}}" },
                namespace: "shop",
            },
        ],
        teams: [{ name: "shop", groups: ["example-org:shop"], clusters: { matchLabels: { team: "shop" } }, namespaces: ["shop"], sourceRepos: [SHOP_REPO], actions: ["get", "sync"] }],
    },
};

export default hub;
