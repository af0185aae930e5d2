import { describe, expect, it } from "vitest";
import { type AlertmanagerConfig, alertmanagerConfig, undefinedReceivers } from "../../../core/monitoring/alertmanager";
import { validateModel } from "../../../model/validate";
import dev from "../../../stacks/dev";

describe("undefinedReceivers", () => {
    it("finds a nested route whose receiver is not defined (the seed's 'missing name in receiver')", () => {
        // GIVEN a route tree that sends Watchdog to "null" without defining it
        const config: AlertmanagerConfig = {
            global: { resolve_timeout: "5m" },
            route: { receiver: "slack-dev", routes: [{ receiver: "slack-dev" }, { receiver: "null", matchers: ['alertname="Watchdog"'] }] },
            inhibit_rules: [],
            receivers: [{ name: "slack-dev" }],
        };
        // THEN exactly that route is reported
        expect(undefinedReceivers(config)).toStrictEqual(['route.routes[1]: "null"']);
    });

    it("finds none in the generated configs", () => {
        const model = validateModel("dev", "stacks/dev.ts", dev);
        expect(undefinedReceivers(alertmanagerConfig(model, "http://127.0.0.1:9/"))).toStrictEqual([]);
    });
});
