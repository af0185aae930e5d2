import type { StackModelInput } from "../model/schema";
import { platformStack } from "./shared";

/** Production: follows the `release` branch, alerts repeat twice a day. */
const prod: StackModelInput = platformStack({
    environment: "prod",
    peerEnvironments: ["dev"],
    revision: "release",
    argocdDomain: "argocd.example.com",
    prometheusUrl: "https://prometheus-prod.local",
    channels: { platform: "platform-prod", frontend: "frontend-prod", backend: "backend-prod", rollouts: "rollouts-prod" },
    repeatInterval: "12h",
});

export default prod;
