import type { StackModelInput } from "../model/schema";
import { type EnvironmentSettings, platformStack } from "./shared";
import { SIZING } from "./shared/constants";

/** Production: follows the `release` branch, alerts repeat twice a day. Owns the shared cluster (see `SHARED_CLUSTER`). */
export const prodSettings: EnvironmentSettings = {
    environment: "prod",
    peerEnvironments: ["dev"],
    revision: "release",
    argocdAddress: "argocd",
    grafanaAddress: "grafana",
    // Single sign-on only: the README's break-glass path turns the local admin back on.
    argocdLocalAdmin: false,
    repeatInterval: "12h",
    sizing: SIZING.production,
    // Critical alerts page the on-call engineer, and reach Slack too.
    pagesOnCritical: true,
    // Watchdog pings a heartbeat service, which pages when it stops: a dead Prometheus or Alertmanager pages no one otherwise.
    deadMansSwitch: true,
};

const prod: StackModelInput = platformStack(prodSettings);

export default prod;
