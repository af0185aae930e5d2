/**
 * What the cluster's monitoring scrapes of the control plane (core/monitoring/controlPlane.ts),
 * judged by the chart itself: per distribution, a component that cannot be scraped has no
 * Service, ServiceMonitor or rule in the expansion of either monitoring release (an absent
 * target would page for ever), and one the profile states it exposes has them.
 *
 * Expansions are few: the shipped stacks' releases as the program records them (the same the
 * cluster-level suites expand, so kept on disk from them), and the two releases of one profile
 * that states every component. Each distribution's releases differ from one of these only in
 * the four switches, and the chart renders a component's objects from its own switch alone
 * (checked below), so these three stand for every profile.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CHART_KEYS, controlPlaneScrapes, controlPlaneValues, DEFAULTS } from "../../../core/monitoring/controlPlane";
import { clusterMonitoringRelease, monitoringRelease } from "../../../core/monitoring/release";
import { clusterViewOf } from "../../../model/cluster";
import { CONTROL_PLANE_COMPONENTS, DISTRIBUTIONS, type StackModel } from "../../../model/schema";
import prodInput from "../../../stacks/prod";
import { CLUSTER_PROFILE } from "../../../stacks/shared/constants";
import { runProgram } from "../../harness";
import { assertCanExpand, type ExpandedObject, expandRelease, expansionTitle, type ReleaseToExpand, SHIPPED_KUBERNETES, skipExpansion } from "../../helpers/charts";
import { releasesOf } from "../../helpers/cluster";
import { installerModel, shippedConfig, validatedStack } from "../../helpers/models";
import { temporaryDirs } from "../../helpers/tmp";

type Component = (typeof CONTROL_PLANE_COMPONENTS)[number];
type Distribution = (typeof DISTRIBUTIONS)[number];
const ALL: Component[] = [...CONTROL_PLANE_COMPONENTS];
/** The distributions whose provider runs etcd, the scheduler and the controller manager itself. */
const MANAGED: Distribution[] = ["eks", "gke", "aks"];

/** The job label of each component's target, as the chart's Services name it (checked against the expansion below). */
const JOBS: Record<Component, string> = { etcd: "kube-etcd", scheduler: "kube-scheduler", controllerManager: "kube-controller-manager", proxy: "kube-proxy" };

/** The problems validation finds in prod with `edit`, as `[path, message]`. */
const problemsOf = (edit: (m: any) => void) => validatedStack(edit).problems;

describe("controlPlaneScrapes", () => {
    it("scrapes nothing of the shipped kind cluster's control plane, saying why for each component", () => {
        // GIVEN the shipped profile, WHEN its scrapes are decided, THEN none, each with kubeadm's reason
        expect(controlPlaneScrapes(CLUSTER_PROFILE)).toStrictEqual([
            { component: "etcd", scraped: false, why: expect.stringMatching(/^kind \(through kubeadm\) starts etcd with its metrics on http:\/\/127\.0\.0\.1:2381 only .*helm-charts#1236\)$/) },
            { component: "scheduler", scraped: false, why: expect.stringMatching(/--bind-address=127\.0\.0\.1: its metrics port 10259 .*kube-prometheus#718\)$/) },
            { component: "controllerManager", scraped: false, why: expect.stringMatching(/--bind-address=127\.0\.0\.1: its metrics port 10257 /) },
            { component: "proxy", scraped: false, why: expect.stringMatching(/^kube-proxy serves its metrics on 127\.0\.0\.1:10249 unless its metricsBindAddress says otherwise/) },
        ]);
    });

    it.each(DISTRIBUTIONS)("scrapes by default nothing of a %s control plane, with a sourced reason for each component", (distribution) => {
        const scrapes = controlPlaneScrapes({ distribution });
        expect(scrapes.map((s) => [s.component, s.scraped])).toStrictEqual(ALL.map((c) => [c, false]));
        // Each reason names what is in the way, and where it is said (an issue, or a page of the docs), but other's, which knows nothing.
        for (const s of scrapes) expect(s.why, `${distribution} ${s.component}`).toMatch(distribution === "other" ? /knows nothing of/ : /[\w-]+\/[\w-]+#\d+|\w\.(io|com)\/|KubeProxyConfiguration/);
        // And names the distribution it is about.
        if (distribution !== "other") expect(scrapes.some((s) => s.why.toLowerCase().includes(distribution)), distribution).toBe(true);
    });

    it("scrapes exactly what the profile states the cluster exposes", () => {
        expect(controlPlaneScrapes({ distribution: "kubeadm", controlPlaneMetrics: ["proxy", "etcd"] }).map((s) => [s.component, s.scraped])).toStrictEqual([
            ["etcd", true],
            ["scheduler", false],
            ["controllerManager", false],
            ["proxy", true],
        ]);
        expect(controlPlaneValues({ distribution: "eks", controlPlaneMetrics: ["proxy"] })).toStrictEqual({
            kubeEtcd: { enabled: false },
            kubeScheduler: { enabled: false },
            kubeControllerManager: { enabled: false },
            kubeProxy: { enabled: true },
        });
        expect(DEFAULTS.eks.scheduler).toBe(controlPlaneScrapes({ distribution: "eks" })[1].why);
        expect(controlPlaneScrapes({ distribution: "kind", controlPlaneMetrics: ["etcd"] })[0].why).toMatch(/^cluster\.controlPlaneMetrics states the cluster serves its metrics beyond the node's loopback$/);
    });
});

describe("cluster.controlPlaneMetrics, checked before anything is registered", () => {
    it("takes every component on a control plane of the cluster's own, and the shipped profile, which states none", () => {
        expect(problemsOf(() => undefined)).toStrictEqual([]);
        for (const distribution of ["kind", "kubeadm", "other"]) expect(problemsOf((m) => Object.assign(m.cluster, { distribution, controlPlaneMetrics: ALL })), distribution).toStrictEqual([]);
    });

    it.each(MANAGED)("refuses on %s what its provider keeps in its own control plane, by path, with the fix; takes kube-proxy", (distribution) => {
        // GIVEN a managed cluster whose profile states every component
        const problems = problemsOf((m) => Object.assign(m.cluster, { distribution, controlPlaneMetrics: ALL }));
        // THEN etcd, the scheduler and the controller manager are refused, each where it is listed
        expect(problems).toStrictEqual(
            ["etcd", "scheduler", "controllerManager"].map((component, i) => [
                `cluster.controlPlaneMetrics[${i}]`,
                expect.stringMatching(new RegExp(`^is "${component}", but ${distribution.toUpperCase()} runs [a-z-]+ in its own control plane, .*: it can never be scraped, and its critical alerts would fire for ever; remove it \\(on ${distribution} only "proxy" can be listed`)),
            ]),
        );
        expect(problemsOf((m) => Object.assign(m.cluster, { distribution, controlPlaneMetrics: ["proxy"] }))).toStrictEqual([]);
    });

    it("refuses a component listed twice", () => {
        expect(problemsOf((m) => (m.cluster.controlPlaneMetrics = ["proxy", "etcd", "proxy"]))).toStrictEqual([["cluster.controlPlaneMetrics[2]", '"proxy" is listed twice; remove this one']]);
    });

    it("refuses an unknown component with the ones there are", () => {
        expect(problemsOf((m) => (m.cluster.controlPlaneMetrics = ["apiserver"]))).toStrictEqual([["cluster.controlPlaneMetrics[0]", 'is "apiserver"; use one of: "etcd", "scheduler", "controllerManager", "proxy"']]);
    });

    it("refuses on k3s a component without the addresses the cluster release's Service must reach it at, and takes it with them", () => {
        const k3s = (m: any) => Object.assign(m.cluster, { distribution: "k3s", controlPlaneMetrics: ["scheduler"] });
        expect(problemsOf(k3s)).toStrictEqual([
            ["cluster.controlPlaneMetrics[0]", expect.stringMatching(/^is "scheduler", but k3s runs kube-scheduler inside its own process, .*; list the addresses of the nodes that run it in clusterWide\.monitoring\.values\.kubeScheduler\.endpoints, or remove it$/)],
        ]);
        expect(problemsOf((m) => (k3s(m), (m.clusterWide.monitoring.values = { kubeScheduler: { endpoints: ["10.0.0.10"] } })))).toStrictEqual([]);
        expect(problemsOf((m) => (k3s(m), (m.clusterWide.monitoring.values = { kubeScheduler: { endpoints: [] } })))).toHaveLength(1);
        const controllerManager = (m: any) => Object.assign(m.cluster, { distribution: "k3s", controlPlaneMetrics: ["controllerManager"] });
        expect(problemsOf(controllerManager)).toStrictEqual([["cluster.controlPlaneMetrics[0]", expect.stringMatching(/^is "controllerManager", but k3s runs kube-controller-manager inside its own process, .*values\.kubeControllerManager\.endpoints, or remove it$/)]]);
    });

    it("refuses each release's switch of a component in its values: the profile says which are scraped", () => {
        const problems = problemsOf((m) => {
            m.clusterWide.monitoring.values = { kubeEtcd: { enabled: true } };
            m.monitoring.values = { kubeProxy: { enabled: true }, kubeScheduler: null };
        });
        expect(problems).toStrictEqual([
            ["clusterWide.monitoring.values.kubeEtcd.enabled", expect.stringMatching(/^is the program's and cannot be set here: whether etcd is scraped and alerted on follows the cluster's profile: list it in cluster\.controlPlaneMetrics where/)],
            ["monitoring.values.kubeProxy.enabled", expect.stringContaining("whether kube-proxy is scraped and alerted on follows the cluster's profile")],
            ["monitoring.values.kubeScheduler", expect.stringMatching(/^would replace kubeScheduler\.enabled, which is the program's: whether kube-scheduler is scraped/)],
        ]);
        // The rest of a component's values stay the user's (the k3s endpoints above).
        expect(problemsOf((m) => (m.clusterWide.monitoring.values = { kubeProxy: { service: { port: 10249 } } }))).toStrictEqual([]);
    });
});

/** The four switches of a release's values, and its values without them. */
function switchesOf(values: Record<string, any>): { switches: Record<Component, boolean>; rest: Record<string, unknown> } {
    const rest = structuredClone(values);
    const switches = Object.fromEntries(ALL.map((c) => [c, rest[CHART_KEYS[c]]?.enabled])) as Record<Component, boolean>;
    for (const c of ALL) {
        delete rest[CHART_KEYS[c]].enabled;
        if (Object.keys(rest[CHART_KEYS[c]]).length === 0) delete rest[CHART_KEYS[c]];
    }
    return { switches, rest };
}

/** Whether a rule's expression selects the targets of `job`, by an equality or a regex matcher on the job label. */
function selectsJob(expr: string, job: string): boolean {
    return [...expr.matchAll(/\bjob\s*(=~|=)\s*"([^"]*)"/g)].some(([, op, value]) => (op === "=" ? value === job : new RegExp(`^(?:${value})$`).test(job)));
}

/** What an expansion holds of a component: its Services (labelled with its job), the ServiceMonitors that select them, and every rule that reads its job. */
function componentObjects(objects: readonly ExpandedObject[], component: Component) {
    const job = JOBS[component];
    const services = objects.filter((o) => o.object.kind === "Service" && o.object.metadata.labels?.jobLabel === job);
    const selects = (monitor: ExpandedObject, service: ExpandedObject) => Object.entries(monitor.object.spec.selector?.matchLabels ?? {}).every(([k, v]) => service.object.metadata.labels?.[k] === v);
    const monitors = objects.filter((o) => o.object.kind === "ServiceMonitor" && services.some((s) => selects(o, s)));
    const rules = objects
        .filter((o) => o.object.kind === "PrometheusRule")
        .flatMap((o) => o.object.spec.groups.flatMap((g: any) => g.rules.filter((r: any) => selectsJob(String(r.expr), job)).map((r: any) => `${g.name}/${r.alert ?? r.record}`)));
    return { services: services.map((o) => o.object.metadata.name), monitors: monitors.map((o) => o.object.metadata.name), rules: [...new Set(rules)] };
}

/** The shipped prod model with a profile of `distribution` that states `stated`. */
function prodOn(distribution: Distribution, stated?: Component[]): StackModel & { clusterWide: NonNullable<StackModel["clusterWide"]> } {
    const model = installerModel("prod", "shared");
    return { ...model, cluster: { ...model.cluster, distribution, controlPlaneMetrics: stated } };
}

/** The two monitoring releases of a model, as the core makes them. */
function monitoringReleases(model: ReturnType<typeof prodOn>): { cluster: ReleaseToExpand; environment: ReleaseToExpand } {
    return {
        cluster: { ...clusterMonitoringRelease(model.clusterWide.monitoring, model), kubernetes: SHIPPED_KUBERNETES },
        environment: { ...monitoringRelease(model, clusterViewOf(model.clusterWide).monitoring), kubernetes: SHIPPED_KUBERNETES },
    };
}

describe.skipIf(skipExpansion)(expansionTitle("the control plane in the monitoring releases' expansions"), () => {
    /** The shipped cluster shared by dev and prod: its kube-prometheus-stack releases as the program records them. */
    let shipped: { stack: string; release: ReleaseToExpand; objects: ExpandedObject[] }[] = [];
    /** prod's two releases on a profile that states every component (kubeadm's, bound to 0.0.0.0). */
    const stated = monitoringReleases(prodOn("kubeadm", ALL));
    let statedObjects: { cluster: ExpandedObject[]; environment: ExpandedObject[] };

    beforeAll(async () => {
        assertCanExpand();
        for (const stack of ["prod", "dev"]) {
            const run = await runProgram(stack, shippedConfig(stack, "shared"));
            if (run.error) throw run.error;
            for (const release of releasesOf(run).filter((r) => r.chart === "kube-prometheus-stack")) shipped.push({ stack, release, objects: await expandRelease(release) });
        }
        const [cluster, environment] = await Promise.all([expandRelease(stated.cluster), expandRelease(stated.environment)]);
        statedObjects = { cluster, environment };
    }, 300_000);

    const prodReleases = () => {
        const model = installerModel("prod", "shared");
        const of = (name: string) => shipped.find((s) => s.stack === "prod" && s.release.name === name) as (typeof shipped)[number];
        return { cluster: of(model.clusterWide.monitoring.releaseName), environment: of(model.monitoring.releaseName) };
    };

    it("holds no Service, ServiceMonitor or rule of etcd, the scheduler, the controller manager or kube-proxy in the shipped shared cluster, prod's paging included", () => {
        expect(shipped.map((s) => `${s.stack} ${s.release.name}`)).toStrictEqual(["prod kube-prometheus-stack", "prod monitoring-prod", "dev monitoring-dev"]);
        for (const { stack, release, objects } of shipped) {
            expect(switchesOf(release.values as Record<string, any>).switches, `${stack} ${release.name}`).toStrictEqual({ etcd: false, scheduler: false, controllerManager: false, proxy: false });
            for (const component of ALL) expect(componentObjects(objects, component), `${stack} ${release.name}: ${component}`).toStrictEqual({ services: [], monitors: [], rules: [] });
        }
        // No etcdInsufficientMembers, etcdMembersDown, KubeSchedulerDown, KubeControllerManagerDown, KubeProxyDown... by name either.
        const alerts = shipped.flatMap((s) => s.objects.filter((o) => o.object.kind === "PrometheusRule").flatMap((o) => o.object.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert).filter(Boolean))));
        expect(alerts.length).toBeGreaterThan(50);
        expect(alerts.filter((a: string) => /^etcd|^KubeScheduler|^KubeControllerManager|^KubeProxy/.test(a))).toStrictEqual([]);
    });

    it("holds a Service, its ServiceMonitor (cluster release) and its rules (environment's release) for each component the profile states", () => {
        for (const component of ALL) {
            const cluster = componentObjects(statedObjects.cluster, component);
            const environment = componentObjects(statedObjects.environment, component);
            expect([cluster.services.length, cluster.monitors.length, cluster.rules], component).toStrictEqual([1, 1, []]);
            expect([environment.services, environment.monitors, environment.rules.length > 0], component).toStrictEqual([[], [], true]);
        }
        const alerts = componentObjects(statedObjects.environment, "scheduler").rules;
        expect(alerts).toContain("kubernetes-system-scheduler/KubeSchedulerDown");
        expect(componentObjects(statedObjects.environment, "etcd").rules).toEqual(expect.arrayContaining(["etcd/etcdMembersDown", "etcd/etcdInsufficientMembers"]));
    });

    it("renders a component's objects from its own switch alone: the two expansions differ only by the components' objects", () => {
        const { cluster, environment } = prodReleases();
        const key = (o: ExpandedObject) => `${o.object.kind} ${o.object.metadata.name} ${JSON.stringify(o.object)}`;
        for (const [none, every] of [
            [cluster.objects, statedObjects.cluster],
            [environment.objects, statedObjects.environment],
        ]) {
            const before = new Set(none.map(key));
            const added = every.filter((o) => !before.has(key(o)));
            // Everything of the release without the components is there, unchanged.
            expect(none.filter((o) => !new Set(every.map(key)).has(key(o))).map(key)).toStrictEqual([]);
            // What is added is the components' own: their Services and monitors, their rule groups, their dashboards.
            const own = /exporters\/kube-(etcd|scheduler|controller-manager|proxy)\/|rules-1\.14\/(etcd|kube-scheduler\.rules|kubernetes-system-(scheduler|controller-manager|kube-proxy))\.yaml$|dashboards-1\.14\/(etcd|scheduler|controller-manager|proxy)\.yaml$/;
            expect(added.length).toBeGreaterThan(0);
            expect(added.map((o) => o.source).filter((source) => !own.test(source))).toStrictEqual([]);
        }
    });

    it.each(DISTRIBUTIONS)("on %s, by default and with what may be stated: no objects of a component that cannot be scraped, those of one stated", (distribution) => {
        const prod = prodReleases();
        const statable = MANAGED.includes(distribution) ? (["proxy"] as Component[]) : ALL;
        for (const statedHere of [undefined, statable]) {
            const releases = monitoringReleases(prodOn(distribution, statedHere));
            for (const kind of ["cluster", "environment"] as const) {
                const { switches, rest } = switchesOf(releases[kind].values as Record<string, any>);
                // The release is the shipped one, or the stated one, but for the four switches: their expansions stand for it.
                expect(rest, `${distribution} ${kind}`).toStrictEqual(switchesOf(prod[kind].release.values as Record<string, any>).rest);
                expect(rest).toStrictEqual(switchesOf(stated[kind].values as Record<string, any>).rest);
                for (const component of ALL) {
                    const scraped = statedHere?.includes(component) ?? false;
                    expect(switches[component], `${distribution} ${kind} ${component}`).toBe(scraped);
                    const held = componentObjects(scraped ? statedObjects[kind] : prod[kind].objects, component);
                    const count = kind === "cluster" ? held.monitors.length : held.rules.length;
                    expect(count > 0, `${distribution} ${kind} ${component}`).toBe(scraped);
                }
            }
        }
    });
});

describe.skipIf(skipExpansion)(expansionTitle("the program's monitoring releases, on a profile that states its control plane"), () => {
    const tmp = temporaryDirs("control-plane-", "all");

    it("passes the profile to both releases: the cluster release scrapes, and the environment's alerts on, what it states", async () => {
        // GIVEN prod's own model on a kubeadm cluster that binds every component to 0.0.0.0
        const input = structuredClone(prodInput) as any;
        Object.assign(input.cluster, { distribution: "kubeadm", controlPlaneMetrics: ALL });
        const file = path.join(tmp(), "prod.json");
        fs.writeFileSync(file, JSON.stringify(input));
        // WHEN the program runs on it
        const run = await runProgram("prod", { ...shippedConfig("prod", "shared"), "gitops:model": file });
        if (run.error) throw run.error;
        // THEN both its monitoring releases turn every component on
        const releases = releasesOf(run).filter((r) => r.chart === "kube-prometheus-stack");
        expect(releases.map((r) => [r.name, switchesOf(r.values as Record<string, any>).switches])).toStrictEqual(
            ["kube-prometheus-stack", "monitoring-prod"].map((name) => [name, { etcd: true, scheduler: true, controllerManager: true, proxy: true }]),
        );
    }, 60_000);
});
