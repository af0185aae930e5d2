import type { StackModel } from "../../model/schema";
import { exposedUrl } from "../exposure";
import { configSecretName } from "./alertmanager";
import { kpsFullname } from "./release";

/** Commands that verify the environment's alerting path, with the real names filled in. */
export function monitoringRunbook(model: StackModel): string {
    const ns = model.monitoring.namespace;
    const grafana = model.monitoring.grafana.expose;
    const am = `${kpsFullname(model.monitoring)}-alertmanager`;
    const prom = `${kpsFullname(model.monitoring)}-prometheus`;
    const testAlert = JSON.stringify([
        {
            labels: { alertname: "RunbookTestAlert", severity: "warning", namespace: ns },
            annotations: { summary: "Runbook test alert", description: "Posted by hand to test routing" },
        },
    ]);
    return [
        `# 1. The Alertmanager CR reads the generated config (expect: ${configSecretName(model)})`,
        `kubectl -n ${ns} get alertmanager ${am} -o jsonpath='{.spec.configSecret}'; echo`,
        `# 2. The config Alertmanager runs with (receivers, namespace regex)`,
        `kubectl -n ${ns} port-forward svc/${am} 9093:9093 &`,
        `curl -s http://127.0.0.1:9093/api/v2/status | jq -r '.config.original'`,
        `# 3. Post a test alert; it must reach ${model.monitoring.alertmanager.slack.receiver}`,
        `curl -s -X POST http://127.0.0.1:9093/api/v2/alerts -H 'Content-Type: application/json' -d '${testAlert}'`,
        `curl -s 'http://127.0.0.1:9093/api/v2/alerts?filter=alertname%3DRunbookTestAlert' | jq '.[] | {status: .status.state, receivers: [.receivers[].name]}'`,
        `# 4. Notification failures per integration (expect 0)`,
        `kubectl -n ${ns} port-forward svc/${prom} 9090:9090 &`,
        `curl -sG http://127.0.0.1:9090/api/v1/query --data-urlencode 'query=sum by (integration, reason) (rate(alertmanager_notifications_failed_total{namespace="${ns}"}[5m]))' | jq '.data.result'`,
        `# 5. Grafana, where every alert links, answers at its address over TLS (certificate from ClusterIssuer ${grafana.clusterIssuer}; with a private CA add --cacert <its certificate>; expect: ok)`,
        `curl -s ${exposedUrl(grafana)}/api/health | jq -r '.database'`,
    ].join("\n");
}
