import { describe, expect, it } from "vitest";
import { type AlertmanagerConfig, alertmanagerConfig, checkGeneratedReceivers, undefinedReceivers } from "../../../core/monitoring/alertmanager";
import { StackInputError } from "../../../model/problems";
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
        expect(undefinedReceivers(alertmanagerConfig(model, () => "http://127.0.0.1:9/"))).toStrictEqual([]);
    });
});

describe("checkGeneratedReceivers", () => {
    it("fails the stack, by the model path and what to do, before anything is registered, when a generator routes to a receiver it does not define", () => {
        // GIVEN a generator that renames the Slack route's receiver only in the route
        const broken: typeof alertmanagerConfig = (model, url) => {
            const config = alertmanagerConfig(model, url);
            config.route.routes?.forEach((r) => r.receiver === "slack-dev" && (r.receiver = "slack-typo"));
            return config;
        };
        // THEN validating the stack with that generator's check fails, naming the route
        let error: unknown;
        try {
            validateModel("dev", "stacks/dev.ts", dev, [(model, problems) => checkGeneratedReceivers(model, problems, broken)]);
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(StackInputError);
        expect((error as Error).message).toMatch(/^Stack "dev": stacks\/dev.ts has 1 problem:\n {2}- monitoring.alertmanager: the generated config routes to an undefined receiver \(route.routes\[\d\]: "slack-typo"\); define it or fix the route$/);
    });
});
