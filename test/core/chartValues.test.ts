/**
 * The values escape hatch's parts: the committed chart indexes held to the vendored charts and the
 * reference defaults, Helm's merge, and what the program owns.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CHART_KEYS_DIR, keyTreeOf, mergeValues, ownedProblems } from "../../core/chartValues";
import { chartDir } from "../../render/chartSources";
import { chartKeysFrom, chartKeysText, documentedKeys, pinnedCharts } from "../../scripts/chartKeys";
import { REFERENCE } from "../helpers/reference";

/** The charts the shipped stacks pin, each with its folder on this machine (render/chartSources.ts). */
const pinned = pinnedCharts().map((pin) => ({ ...pin, dir: chartDir(pin) }));

describe("core/chartKeys/", () => {
    it("indexes every chart the shipped stacks pin, each from its files on this machine (else: npm run chart-keys)", () => {
        expect(pinned.length).toBeGreaterThan(3);
        expect(pinned.filter((p) => p.dir === undefined).map((p) => `${p.chart} ${p.version}`)).toStrictEqual([]);
    });

    it.each(pinned.map((p) => [p.chart, p] as const))("indexes %s as its chart has it, subcharts included (else: npm run chart-keys)", (chart, { version, dir }) => {
        const fromChart = chartKeysFrom(dir as string);
        expect(fromChart.version).toBe(version);
        expect(fs.readFileSync(path.join(CHART_KEYS_DIR, `${chart}.json`), "utf8")).toBe(chartKeysText(fromChart));
    });

    it.each(pinned.filter((p) => fs.existsSync(path.join(REFERENCE, "charts", p.chart))).map((p) => [p.chart, p] as const))("was made from %s's reference defaults: the chart's values.yaml is the reference's", (_, { chart, dir }) => {
        expect(fs.readFileSync(path.join(dir as string, "values.yaml"), "utf8")).toBe(fs.readFileSync(path.join(REFERENCE, "charts", chart, "values.yaml"), "utf8"));
    });

    it("keeps each subchart's keys under its key, with what the parent sets there", () => {
        const kps = pinned.find((p) => p.chart === "kube-prometheus-stack");
        const { keys } = chartKeysFrom(kps?.dir as string);
        const grafana = keys.grafana as Record<string, unknown>;
        // From the grafana subchart's own values.yaml, and from kube-prometheus-stack's grafana section.
        expect([(grafana.testFramework as Record<string, unknown>).enabled, grafana.forceDeployDashboards]).toStrictEqual(["bool", "bool"]);
    });
});

describe("documentedKeys", () => {
    it("finds the keys a values.yaml documents only in comments, under the keys their indentation puts them in, and no prose", () => {
        const values = [
            "grafana:",
            "  adminUser: admin",
            "  # adminPassword: strongpassword",
            "  # Note: the admin's password is generated when unset",
            "  ldap:",
            "    enabled: false",
            "    # config:",
            "    #   bind_dn: x",
            "alertmanager:",
            "  # -- the config",
            "  config: {}",
            "# topLevel: 1",
        ].join("\n");
        expect(documentedKeys(values)).toStrictEqual([["grafana", "adminPassword"], ["grafana", "ldap", "config"], ["grafana", "ldap", "config", "bind_dn"], ["topLevel"]]);
    });
});

describe("keyTreeOf", () => {
    it("gives each default its kind: maps of keys, open empty maps, lists, scalars, and anything for empty values", () => {
        expect(keyTreeOf({ a: { b: 1, c: "x", d: true }, e: {}, f: [1], g: null, h: "" })).toStrictEqual({ a: { b: "number", c: "string", d: "bool" }, e: "open", f: "list", g: "any", h: "any" });
    });
});

describe("mergeValues", () => {
    it("merges maps key by key, replaces lists and scalars, and keeps a null so that Helm drops the chart's default", () => {
        const program = { server: { replicas: 1, ingress: { enabled: true } }, hosts: ["a"], keep: "x" };
        expect(mergeValues(program, { server: { replicas: 2, resources: null }, hosts: ["b"] })).toStrictEqual({
            server: { replicas: 2, ingress: { enabled: true }, resources: null },
            hosts: ["b"],
            keep: "x",
        });
        expect(program.server.replicas).toBe(1);
    });
});

describe("ownedProblems", () => {
    const owned = [{ path: ["configs", "secret"], why: "it is sealed" }];

    it("refuses an owned key, anything under it, and a value on the way that would replace it", () => {
        const keyPaths = (values: Record<string, unknown>) => ownedProblems(values, owned).map((p) => p.keyPath.join("/"));
        expect(keyPaths({ configs: { secret: { createSecret: true } } })).toStrictEqual(["configs/secret"]);
        expect(keyPaths({ configs: null })).toStrictEqual(["configs"]);
        expect(ownedProblems({ configs: null }, owned)[0].message).toBe("would replace configs.secret, which is the program's: it is sealed");
        expect(keyPaths({ configs: { cm: { a: "b" } }, server: null })).toStrictEqual([]);
    });
});
