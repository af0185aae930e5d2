import type { StackModelInput } from "../model/schema";
import { type EnvironmentSettings, platformStack } from "./shared";
import { SIZING } from "./shared/constants";

/** The development environment: follows `main`, alerts repeat often. Shares prod's cluster (see `TOPOLOGY`). */
export const devSettings: EnvironmentSettings = {
    environment: "dev",
    peerEnvironments: ["prod"],
    revision: "main",
    argocdAddress: "argocd-dev",
    grafanaAddress: "grafana-dev",
    argocdLocalAdmin: true,
    repeatInterval: "4h",
    sizing: SIZING.small,
    // Nothing pages for dev: its alerts go to Slack only.
    pagesOnCritical: false,
    // Nor when its monitoring dies: Watchdog is dropped, as the source documents do, and no heartbeat key is needed.
    deadMansSwitch: false,
};

const dev: StackModelInput = platformStack(devSettings);

export default dev;
