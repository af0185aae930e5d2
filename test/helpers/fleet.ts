/** A small fleet for the fleet's tests: three spokes, two add-ons, an application and a team, as the hub's model parses them. */
import { fleetSchema, type HubModel } from "../../model/fleet";

const repo = "https://github.com/example-org/fleet-addons";

/** A hub's `fleet` section, edited by `edit` before it is parsed. */
export function hubFleet(edit: (raw: any) => void = () => {}): HubModel {
    const raw: any = {
        role: "hub",
        spokes: [
            { name: "eu-prod", labels: { environment: "prod", region: "eu", team: "shop", enable_metrics: "true" }, prometheusUrl: "https://prometheus.eu.example.com", ingressDomain: "eu.example.com", source: { stack: "fleet-eu" } },
            { name: "us-prod", labels: { environment: "prod", region: "us", enable_metrics: "true" }, prometheusUrl: "https://prometheus.us.example.com", ingressDomain: "us.example.com", source: { stack: "fleet-us" } },
            { name: "lab", labels: { environment: "lab" }, source: { config: { server: "https://lab.example.com:6443", caData: "gitops:labCa", bearerToken: "gitops:labToken", sealingCertificate: "gitops:labSealingCertificate" } } },
        ],
        addons: [
            { name: "metrics", selector: { matchLabels: { enable_metrics: "true" } }, source: { repoURL: repo, path: "metrics/{{.metadata.labels.environment}}" }, namespace: "metrics", parameters: { prometheusUrl: "{{index .metadata.annotations \"gitops-platform/prometheus-url\"}}" }, secrets: [{ name: "metrics-remote-write", namespace: "metrics", data: { password: "gitops:metricsPassword" } }] },
            { name: "policies", selector: { matchExpressions: [{ key: "environment", operator: "NotIn", values: ["lab"] }] }, source: { repoURL: repo, path: "policies" }, namespace: "policies" },
        ],
        applications: [{ name: "shop", project: "shop", selector: { matchLabels: { team: "shop" } }, source: { repoURL: "https://github.com/example-org/shop", path: "deploy/{{.metadata.labels.region}}" }, namespace: "shop" }],
        teams: [{ name: "shop", groups: ["shop-team"], clusters: { matchLabels: { team: "shop" } }, namespaces: ["shop"], sourceRepos: ["https://github.com/example-org/shop"], actions: ["get", "sync"] }],
    };
    edit(raw);
    return fleetSchema.parse(raw) as HubModel;
}
