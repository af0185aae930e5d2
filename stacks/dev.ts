import type { StackModelInput } from "../model/schema";
import { platformStack } from "./shared";

/** The development environment: follows `main`, alerts repeat often. */
const dev: StackModelInput = platformStack({
    environment: "dev",
    peerEnvironments: ["prod"],
    revision: "main",
    argocdDomain: "argocd-dev.local",
    prometheusUrl: "https://prometheus-dev.local",
    channels: { platform: "platform-dev", frontend: "frontend-dev", backend: "backend-dev", rollouts: "rollouts-dev" },
    repeatInterval: "4h",
});

export default dev;
