/**
 * The typed model of one stack. The zod schema is the single source of truth: the TypeScript
 * types below are inferred from it, so `stacks/*.ts` get compile-time checks and any model
 * (including `--model` files given as JSON or YAML) gets the same runtime checks.
 */
import { z } from "zod";
import { fleetSchema } from "./fleet";
import { CONFIG_REFERENCE, configReference, dnsLabel, hostname, REPO_URL, REPO_URL_ADVICE, repoUrl, SERVER_URL, SERVER_URL_ADVICE, serverUrl, stackName } from "./primitives";

export { CONFIG_REFERENCE, REPO_URL, REPO_URL_ADVICE, SERVER_URL, SERVER_URL_ADVICE, STACK_NAME, stackName } from "./primitives";

const resourceName = z
    .string()
    .max(253)
    .regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')");
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const duration = z.string().regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/, "must be a Prometheus duration such as 30s, 5m or 12h");
const exactVersion = z.string().regex(/^v?[0-9]+\.[0-9]+\.[0-9]+$/, "must be an exact chart version (x.y.z, or vx.y.z as some charts spell it), never a range");
/** A project's pattern (`*`, `?` and a leading `!` are Argo CD's globs) that must still be shaped like `shape` once its wildcards are filled. */
const patternOf = (shape: RegExp, advice: string) =>
    z.string().refine((p) => p === "*" || shape.test(p.replace(/^!/, "").replace(/[*?]/g, "x")), `must be "*" or a pattern of one: ${advice}`);

/** A pinned Helm chart. */
export const chartSchema = z.strictObject({
    /** Chart name in the repository. */
    chart: z.string().min(1),
    /** Exact chart version. */
    version: exactVersion,
    /** Helm repository URL. */
    repository: httpUrl,
});

/**
 * Any value of the release's chart, merged last over what the program sets (maps merge, anything
 * else replaces, null drops the chart's default). Every key path is checked against the pinned
 * chart's values.yaml; the keys the program owns are refused with where to set them instead.
 */
const chartValues = z.record(z.string(), z.unknown()).default({});

/**
 * How much a part's containers request (core/sizing.ts has the figures): `small` for a test
 * cluster, `production` for a cluster people depend on.
 */
const size = z.enum(["small", "production"]).default("small");

/** A persistent volume claim of a part: its size, and a storage class (the cluster's default one when absent). */
const storageSchema = z.strictObject({
    size: z.string().regex(/^[0-9]+(Mi|Gi|Ti)$/, "must be a size such as 20Gi"),
    storageClass: z.string().min(1).optional(),
});

/** Replicas of a part's replicated components: two or more also get a PodDisruptionBudget. */
const replicas = z.number().int().min(1).max(10).default(1);

/** A Git source an Argo CD Application syncs from; in an ApplicationSet its fields may hold `{{...}}` parameters. */
const gitSourceSchema = (repoURL: z.ZodString) =>
    z.strictObject({
        repoURL,
        path: z.string().min(1),
        targetRevision: z.string().min(1).default("HEAD"),
    });

/** Where an Application deploys; in an ApplicationSet its fields may hold `{{...}}` parameters. */
const destinationSchema = (server: z.ZodString) =>
    z.strictObject({
        /** API server URL; `https://kubernetes.default.svc` is the cluster Argo CD runs in. */
        server,
        namespace: z.string().min(1),
    });

const groupKindSchema = z.strictObject({ group: z.string(), kind: z.string().min(1) });

const syncPolicySchema = z.strictObject({
    automated: z.strictObject({ prune: z.boolean(), selfHeal: z.boolean() }).optional(),
    syncOptions: z.array(z.string().regex(/^[A-Za-z]+=[A-Za-z0-9-]+$/, "must look like Name=value")).default([]),
});

/** `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipients>` on one resource. */
const subscriptionAnnotationSchema = z.strictObject({
    trigger: z.string().min(1),
    service: z.string().min(1),
    /** Channels or recipients, joined with ';'. Empty for webhook services. */
    recipients: z.array(z.string()).default([]),
});

const applicationSchema = z.strictObject({
    name: resourceName,
    project: dnsLabel,
    source: gitSourceSchema(repoUrl),
    destination: destinationSchema(serverUrl),
    /** `argocd.argoproj.io/sync-wave`: lower waves sync first. */
    syncWave: z.number().int().default(0),
    syncPolicy: syncPolicySchema.default({ syncOptions: [] }),
    subscriptions: z.array(subscriptionAnnotationSchema).default([]),
});

const listGeneratorSchema = z.strictObject({
    list: z.strictObject({ elements: z.array(z.record(z.string(), z.string())).min(1) }),
});
const gitGeneratorSchema = z.strictObject({
    git: z.strictObject({
        repoURL: repoUrl,
        revision: z.string().min(1).default("HEAD"),
        directories: z.array(z.strictObject({ path: z.string().min(1), exclude: z.boolean().optional() })).min(1),
    }),
});
const leafGeneratorSchema = z.union([listGeneratorSchema, gitGeneratorSchema]);
const generatorSchema = z.union([
    listGeneratorSchema,
    gitGeneratorSchema,
    z.strictObject({
        matrix: z.strictObject({ generators: z.array(leafGeneratorSchema).length(2, "a matrix combines exactly two generators") }),
    }),
]);

const applicationSetSchema = z.strictObject({
    name: resourceName,
    project: dnsLabel,
    generators: z.array(generatorSchema).min(1),
    /** Go template for each generated Application's name, e.g. `{{.path.basename}}-{{.env}}`. */
    nameTemplate: z.string().min(1),
    /** `repoURL` and `server` are checked once each list element's parameters are filled in. */
    source: gitSourceSchema(z.string().min(1)),
    destination: destinationSchema(z.string().min(1)),
    syncWave: z.number().int().default(0),
    syncPolicy: syncPolicySchema.default({ syncOptions: [] }),
    subscriptions: z.array(subscriptionAnnotationSchema).default([]),
});

const projectRoleSchema = z.strictObject({
    name: dnsLabel,
    description: z.string().default(""),
    /** Actions on the project's applications, e.g. `get`, `sync`. */
    actions: z.array(z.string().min(1)).min(1),
    groups: z.array(z.string().min(1)).default([]),
});

const projectSchema = z.strictObject({
    name: dnsLabel,
    description: z.string().min(1),
    /** Only a platform project may deploy to any namespace on any cluster. */
    platform: z.boolean().default(false),
    sourceRepos: z.array(patternOf(REPO_URL, REPO_URL_ADVICE)).min(1),
    destinations: z.array(z.strictObject({ server: patternOf(SERVER_URL, SERVER_URL_ADVICE), namespace: z.string().min(1) })).min(1),
    clusterResourceWhitelist: z.array(groupKindSchema).default([]),
    namespaceResourceWhitelist: z.array(groupKindSchema).default([]),
    orphanedResourcesWarn: z.boolean().default(true),
    roles: z.array(projectRoleSchema).default([]),
});

const policyRuleSchema = z.strictObject({
    resource: z.string().min(1),
    action: z.string().min(1),
    /** `<project>/<application>` for applications; `*` or a name otherwise. */
    object: z.string().min(1),
    effect: z.enum(["allow", "deny"]),
});

const rbacSchema = z.strictObject({
    /** Role for authenticated users no rule matches. */
    defaultRole: z.string().regex(/^role:[-a-z0-9]+$/, "must be a role such as role:readonly").default("role:readonly"),
    /** Roles, without the `role:` prefix. */
    roles: z.array(z.strictObject({ name: dnsLabel, rules: z.array(policyRuleSchema).min(1) })).default([]),
    /** SSO group (or local account) to role bindings. */
    bindings: z.array(z.strictObject({ subject: z.string().min(1), role: z.string().min(1) })).default([]),
});

const accountSchema = z.strictObject({
    name: dnsLabel,
    capabilities: z.array(z.enum(["apiKey", "login"])).min(1),
    enabled: z.boolean().default(true),
});

/** A notifications template: a message plus optional service-specific parts. */
const notificationTemplateSchema = z.strictObject({
    name: dnsLabel,
    message: z.string().optional(),
    email: z.strictObject({ subject: z.string().min(1) }).optional(),
    slack: z.strictObject({ attachments: z.string().min(1).optional(), blocks: z.string().min(1).optional() }).optional(),
    /** Webhook bodies, keyed by webhook service name. */
    webhook: z
        .record(z.string(), z.strictObject({ method: z.enum(["GET", "POST", "PUT", "PATCH"]), path: z.string().optional(), body: z.string().min(1) }))
        .optional(),
});

const notificationTriggerSchema = z.strictObject({
    name: dnsLabel,
    conditions: z
        .array(
            z.strictObject({
                when: z.string().min(1),
                send: z.array(z.string().min(1)).min(1),
                /** Send again whenever this field changes while `when` stays true. */
                oncePer: z.string().min(1).optional(),
                description: z.string().optional(),
            }),
        )
        .min(1),
});

/**
 * A secret the stack's config holds, named as Pulumi names it: `gitops:<key>`. Wherever the model
 * names one, the program seals its value; the stack must set it, and Pulumi.yaml declare it.
 */
/** An equality-based label selector, as the notifications engine parses it: `key=value[,key=value...]`. */
const labelSelector = z
    .string()
    .regex(/^[A-Za-z0-9./_-]+!?=[A-Za-z0-9._-]*(,[A-Za-z0-9./_-]+!?=[A-Za-z0-9._-]*)*$/, "must be a label selector such as gitops-platform/environment=dev");
const secretReference = z.string().regex(/^\$[-._a-zA-Z0-9]+$/, "must reference a secret data key, e.g. $slack-token");

const notificationsSchema = z.strictObject({
    /**
     * Data keys of the sealed notifications secret, each filled from a secret of the stack's
     * config (`gitops:<key>`). Services reference them as `$<data key>`.
     */
    secretData: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/, "must be a valid Secret data key"), configReference),
    /** Webhook services (`service.webhook.<name>`). */
    webhooks: z
        .array(
            z.strictObject({
                name: z.string().regex(/^[a-z0-9_-]+$/, "must contain only lowercase letters, digits, '_' and '-'"),
                /** URL, normally a secret reference such as `$slack-webhook`. */
                url: z.union([secretReference, httpUrl]),
                headers: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })).default([]),
            }),
        )
        .default([]),
    /** `service.slack` in bot-token mode. */
    slack: z
        .strictObject({
            token: secretReference,
            username: z.string().optional(),
            icon: z.string().optional(),
        })
        .optional(),
    templates: z.array(notificationTemplateSchema).default([]),
    triggers: z.array(notificationTriggerSchema).default([]),
    /** Default subscriptions: recipients are `<service>` or `<service>:<channel>`. */
    subscriptions: z
        .array(
            z.strictObject({
                recipients: z.array(z.string().min(1)).min(1),
                triggers: z.array(z.string().min(1)).min(1),
                /** Only resources whose labels match, e.g. `gitops-platform/environment=dev`; all of them when absent. */
                selector: labelSelector.optional(),
            }),
        )
        .default([]),
});

/**
 * Where a UI is reached: its host, over TLS with a certificate from one of the cluster's
 * ClusterIssuers, through an Ingress of a class, or a Gateway API HTTPRoute to a Gateway that
 * exists already. Exactly one of `ingress` and `gateway`.
 */
const exposureSchema = z
    .strictObject({
        host: hostname,
        /** The ClusterIssuer (`clusterWide.certManager.issuers`) that signs its certificate. */
        clusterIssuer: dnsLabel,
        ingress: z.strictObject({ className: z.string().min(1) }).optional(),
        /** An existing Gateway; its listener for the host must use the certificate the program makes (`<name>-tls` in the Gateway's namespace). */
        gateway: z.strictObject({ name: dnsLabel, namespace: dnsLabel, sectionName: z.string().min(1).optional() }).optional(),
    })
    .refine((e) => (e.ingress === undefined) !== (e.gateway === undefined), "needs exactly one of ingress and gateway");

/** The identity provider the platform's UIs sign people in with (OpenID Connect). */
const identityProviderSchema = z.strictObject({
    /** The issuer URL: Argo CD reads the rest from its discovery document. */
    issuer: httpUrl,
    /** The endpoints Grafana's generic OAuth needs, from the discovery document. */
    authorizationUrl: httpUrl,
    tokenUrl: httpUrl,
    userInfoUrl: httpUrl,
    /** The claim that lists a user's groups, which RBAC bindings and Grafana's roles name. */
    groupsClaim: z.string().regex(/^[A-Za-z0-9_.:-]+$/, "must be a claim name such as groups").default("groups"),
    /** Scopes every client asks for: the groups claim comes with one of them. */
    scopes: z.array(z.string().min(1)).min(1).default(["openid", "profile", "email", "groups"]),
});

/** An OpenID Connect client of the identity provider: its ID, and the config secret holding its secret. */
const oidcClientSchema = z.strictObject({ clientId: z.string().min(1), clientSecret: configReference });

/** How people sign in to Argo CD: OIDC against the identity provider, or Dex with connectors of its own. */
const argocdSsoSchema = z
    .strictObject({
        oidc: oidcClientSchema.optional(),
        dex: z
            .strictObject({
                connectors: z
                    .array(
                        z.strictObject({
                            type: z.string().min(1),
                            id: dnsLabel,
                            name: z.string().min(1),
                            /** The connector's config as Dex takes it, but its client secret. */
                            config: z.record(z.string(), z.unknown()).default({}),
                            /** The config secret Dex gets as the connector's `clientSecret`. */
                            clientSecret: configReference.optional(),
                        }),
                    )
                    .min(1),
            })
            .optional(),
        /** Keep the local admin account: set it false once SSO works (the README gives the break-glass path). */
        localAdmin: z.boolean().default(true),
    })
    .refine((s) => (s.oidc === undefined) !== (s.dex === undefined), "needs exactly one of oidc and dex");

/** Credentials Argo CD reads repositories under a URL prefix with (a `repo-creds` Secret). */
const repositoryCredentialsSchema = z
    .strictObject({
        /** Every repository whose URL starts with it: `https://github.com/example-org/`. */
        urlPrefix: z.string().regex(/^(https:\/\/|ssh:\/\/|[\w.-]+@[\w.-]+:)\S+$/, `must be the start of Git repository URLs: ${REPO_URL_ADVICE}`),
        https: z.strictObject({ username: z.string().min(1), password: configReference }).optional(),
        ssh: z.strictObject({ privateKey: configReference }).optional(),
    })
    // Without either, the prefix is declared private and nothing reads under it yet.
    .refine((c) => c.https === undefined || c.ssh === undefined, "takes one of https and ssh, not both");

/** The one Argo CD of the cluster: chart, RBAC, accounts, projects and notifications. */
const argocdSchema = z.strictObject({
    namespace: dnsLabel,
    releaseName: dnsLabel,
    chart: chartSchema,
    values: chartValues,
    size,
    /** Replicas of the API server, the repo-server and the ApplicationSet controller. */
    replicas,
    /** Redis in HA (three Redis pods with Sentinel, behind HAProxy): needs three nodes or more, one pod per node. */
    redisHa: z.boolean().default(false),
    /**
     * With `redisHa`, whether Redis and HAProxy pods refuse to share a node (`hard`, the chart's
     * default: a lost node loses one of three) or only prefer not to (`soft`: fits fewer than three
     * nodes, at the price of a node that may hold the Sentinel quorum).
     */
    redisHaAntiAffinity: z.enum(["hard", "soft"]).default("hard"),
    /** Where its UI and API are reached; the server speaks plain HTTP behind the Ingress or Gateway that terminates TLS. */
    expose: exposureSchema,
    /** Single sign-on; only the local accounts without it. */
    sso: argocdSsoSchema.optional(),
    rbac: rbacSchema,
    accounts: z.array(accountSchema).default([]),
    projects: z.array(projectSchema).min(1),
    /** Repositories that need credentials: a project may only read a private one under a prefix listed here. */
    privateRepositories: z.array(repositoryCredentialsSchema).default([]),
    notifications: notificationsSchema,
});

/** A ClusterIssuer of cert-manager: a CA of the platform's, or ACME (Let's Encrypt and the like). */
const issuerSchema = z
    .strictObject({
        name: dnsLabel,
        /** Signs with a CA key pair held in the stack's config (PEM certificate and key). */
        ca: z.strictObject({ certificate: configReference, key: configReference }).optional(),
        acme: z
            .strictObject({
                server: httpUrl,
                email: z.email({ error: "must be an email address" }),
                /** Solves HTTP-01 challenges through an Ingress of this class. */
                http01: z.strictObject({ ingressClassName: z.string().min(1) }).optional(),
                /** Solves DNS-01 challenges through Cloudflare, with an API token from the config. */
                dns01: z.strictObject({ cloudflare: z.strictObject({ apiToken: configReference }) }).optional(),
            })
            .refine((a) => (a.http01 === undefined) !== (a.dns01 === undefined), "needs exactly one of http01 and dns01")
            .optional(),
    })
    .refine((i) => (i.ca === undefined) !== (i.acme === undefined), "needs exactly one of ca and acme");

/** The environment's root Applications and ApplicationSets, in the cluster's Argo CD. */
const environmentAppsSchema = z.strictObject({
    applications: z.array(applicationSchema).default([]),
    applicationSets: z.array(applicationSetSchema).default([]),
});

/** The one Argo Rollouts controller of the cluster and its notifications. */
const rolloutsSchema = z.strictObject({
    namespace: dnsLabel,
    releaseName: dnsLabel,
    chart: chartSchema,
    values: chartValues,
    size,
    /** Replicas of the controller (one leads, the others stand by). */
    replicas,
    notifications: notificationsSchema,
});

/** The environment's ClusterAnalysisTemplates, named `<name>-<environment>`. */
const environmentRolloutsSchema = z.strictObject({
    /** Shared AnalysisTemplates that query this environment's Prometheus. */
    analysisTemplates: z
        .array(
            z.strictObject({
                name: dnsLabel,
                args: z.array(z.string().min(1)).default([]),
                metrics: z
                    .array(
                        z.strictObject({
                            name: dnsLabel,
                            interval: duration,
                            count: z.number().int().positive(),
                            failureLimit: z.number().int().nonnegative().default(0),
                            successCondition: z.string().min(1),
                            query: z.string().min(1),
                        }),
                    )
                    .min(1),
            }),
        )
        .default([]),
});

const alertmanagerSchema = z.strictObject({
    /** Alertmanager replicas: they form one cluster that sends each notification once. */
    replicas,
    /** The volume silences and the notification log are kept on; none keeps them on the pod, lost with it. */
    storage: storageSchema.optional(),
    resolveTimeout: duration.default("5m"),
    groupBy: z.array(z.string().min(1)).min(1).default(["alertname", "namespace"]),
    groupWait: duration.default("30s"),
    groupInterval: duration.default("5m"),
    repeatInterval: duration.default("12h"),
    /** Alerts whose `namespace` label matches this regex go to the environment's Slack receiver. */
    namespaceRegex: z.string().min(1),
    /** Alert names that are routed to the `"null"` receiver (noise). */
    silencedAlerts: z.array(z.string().min(1)).default(["Watchdog", "InfoInhibitor"]),
    slack: z.strictObject({
        receiver: z.string().min(1),
        /** The config secret that holds the Slack incoming-webhook URL. */
        webhook: configReference.default("gitops:alertmanagerSlackWebhook"),
        /** Channel override; the webhook's own channel when absent. */
        channel: z.string().optional(),
        /** Tag in message titles, e.g. `DEV`. */
        titleTag: z.string().min(1),
        /** Link in every message, e.g. the Prometheus alerts page. */
        alertsUrl: httpUrl,
        /** Go template for the message title; a `[STATUS][TAG] alertname` title when absent. */
        title: z.string().min(1).optional(),
        /** Go template for the message text; namespace, severity, summary, description, start and link when absent. */
        text: z.string().min(1).optional(),
    }),
    /**
     * Page through PagerDuty (Events API v2) for alerts of the environment's namespaces whose
     * severity is one of `severities`; they reach Slack too. None: nothing pages.
     */
    pagerduty: z
        .strictObject({
            receiver: z.string().min(1),
            /** The config secret that holds the integration's routing key. */
            routingKey: configReference.default("gitops:alertmanagerPagerdutyRoutingKey"),
            /** The severities that page. */
            severities: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/, "must be a severity label value such as critical")).min(1).default(["critical"]),
            /** The Events API endpoint; PagerDuty's own when absent (`https://events.eu.pagerduty.com/v2/enqueue` for its EU service region). */
            url: httpUrl.optional(),
        })
        .optional(),
    /**
     * Send Watchdog (always firing) to a dead-man's switch, a heartbeat service that alerts when
     * its pings stop, so that a dead Prometheus or Alertmanager is noticed; none: Watchdog is dropped.
     */
    deadMansSwitch: z
        .strictObject({
            receiver: z.string().min(1),
            /** The config secret that holds the heartbeat URL: its ping key makes the whole URL a secret, never in the model. */
            url: z
                .string()
                .regex(CONFIG_REFERENCE, "must name the config secret that holds the heartbeat URL, such as gitops:alertmanagerDeadMansSwitchUrl, not the URL, whose ping key is a secret; set the URL with `pulumi config set --secret gitops:alertmanagerDeadMansSwitchUrl <url>`")
                .default("gitops:alertmanagerDeadMansSwitchUrl"),
            /** How often the switch is pinged; give the heartbeat service a longer period (with its grace). */
            repeatInterval: duration.default("1m"),
        })
        .optional(),
});

/** The environment's Grafana: its address, and single sign-on with the identity provider. */
const grafanaSchema = z.strictObject({
    expose: exposureSchema,
    /** The volume Grafana keeps its database on (users' preferences, annotations); none: stateless, the dashboards being code either way. */
    persistence: storageSchema.optional(),
    sso: oidcClientSchema
        .extend({
            /** Groups (of the identity provider's groups claim) whose members get Grafana's Admin or Editor role; everyone else is a Viewer. */
            roles: z.strictObject({ admin: z.array(z.string().min(1)).default([]), editor: z.array(z.string().min(1)).default([]) }).default({ admin: [], editor: [] }),
        })
        .optional(),
});

/** The environment's kube-prometheus-stack release: its own Prometheus, Alertmanager and Grafana. */
const monitoringSchema = z.strictObject({
    namespace: dnsLabel,
    releaseName: dnsLabel,
    /** The same chart as `clusterWide.monitoring.chart`, whose CRDs and operator it uses. */
    chart: chartSchema,
    values: chartValues,
    size,
    prometheus: z
        .strictObject({
            /** How long samples are kept. */
            retention: duration.default("10d"),
            /** The volume the samples are kept on; none keeps them on the pod, lost with it. */
            storage: storageSchema.optional(),
        })
        .default({ retention: "10d" }),
    /** Grafana, where people see the environment's metrics and alerts: Prometheus and Alertmanager are reached only through it. */
    grafana: grafanaSchema,
    alertmanager: alertmanagerSchema,
    /** Deploy the always-firing smoke alert that tests the whole path to Slack. Off by default: `vector(1)` fires forever. */
    smokeAlert: z.boolean().default(false),
    /** Fire when Alertmanager fails to deliver notifications for this long. */
    notificationFailureFor: duration.default("10m"),
});


/** A CPU quantity as Kubernetes writes it: `4`, `3800m`, `0.5`. */
const cpuQuantity = z.string().regex(/^([0-9]+(\.[0-9]+)?|[0-9]+m)$/, "must be a CPU quantity such as 4, 0.5 or 3800m");
/** A memory quantity as Kubernetes writes it: `16Gi`, `512Mi`, `15993212Ki`. */
const memoryQuantity = z.string().regex(/^[0-9]+(Ki|Mi|Gi|Ti)$/, "must be a memory quantity such as 16Gi, 512Mi or 15993212Ki");

/** The Kubernetes distributions the platform knows: what their control planes expose, and what `npm run check` expects of them. */
export const DISTRIBUTIONS = ["kind", "k3s", "kubeadm", "eks", "gke", "aks", "other"] as const;
/** The control-plane components kube-prometheus-stack can scrape and alert on (core/monitoring/controlPlane.ts). */
export const CONTROL_PLANE_COMPONENTS = ["etcd", "scheduler", "controllerManager", "proxy"] as const;

/** The cluster the stack deploys to, who installs what in it, and what it offers: what `pulumi up` needs of it is checked against this before anything is registered, and this against the live cluster by `npm run check`. */
const clusterSchema = z.strictObject({
    /** The cluster's name. Stacks that share a cluster name the same one; the kubeconfig context is `gitops:kubeContext`. */
    name: dnsLabel,
    /**
     * `dedicated`: the cluster runs this environment alone and this stack installs everything.
     * `shared`: several environment stacks share it; `owner` installs the cluster-wide parts.
     */
    mode: z.enum(["dedicated", "shared"]),
    /** In a shared cluster, the stack that installs the cluster-wide parts (possibly this one). */
    owner: stackName.optional(),
    /** The Kubernetes minor version it runs (`1.34`): within the platform's supported range, and what the charts are expanded for. */
    kubernetes: z.string().regex(/^1\.[0-9]+$/, "must be a Kubernetes minor version such as 1.34"),
    /** Who runs it: which of its control plane's components can be scraped, and what `npm run check` expects. */
    distribution: z.enum(DISTRIBUTIONS),
    /** The nodes pods are scheduled on (those without a NoSchedule taint), and what each can give them (`kubectl describe node`, Allocatable). */
    nodes: z.strictObject({
        schedulable: z.number().int().min(1).max(10_000),
        /** What one node can give pods; the platform's requests must fit all of them with room to spare. Unknown: not checked. */
        allocatable: z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity }).optional(),
    }),
    /** The cluster's default storage class, which volumes that name no class come from. None: it has no default class, and every volume must name one. */
    storageClass: z.string().min(1).optional(),
    /** The ingress class of the cluster's ingress controller. None: no Ingress is served. */
    ingressClass: z.string().min(1).optional(),
    /** The Gateway API's CRDs are installed, so that an HTTPRoute can be made (to a Gateway that exists). */
    gatewayApi: z.boolean().default(false),
    /**
     * The control-plane components whose metrics the cluster serves beyond the node's loopback
     * (e.g. `bind-address: 0.0.0.0`), which the platform then scrapes and alerts on. Unset: none,
     * on every distribution (core/monitoring/controlPlane.ts says why for each); never etcd, the
     * scheduler or the controller manager of a managed control plane (eks, gke, aks).
     */
    controlPlaneMetrics: z.array(z.enum(CONTROL_PLANE_COMPONENTS)).optional(),
});

/** The fields of `cluster` that describe the cluster itself (its profile): stacks that share a cluster must agree on them. */
export const CLUSTER_PROFILE_KEYS = ["kubernetes", "distribution", "nodes", "storageClass", "ingressClass", "gatewayApi", "controlPlaneMetrics"] as const;
export type ClusterProfile = Pick<z.infer<typeof clusterSchema>, (typeof CLUSTER_PROFILE_KEYS)[number]>;

/** A part that is a chart and nothing the model says beyond it: its release, pinned chart, `values` and size. */
const chartPartSchema = z.strictObject({ namespace: dnsLabel, releaseName: dnsLabel, chart: chartSchema, values: chartValues, size });

/** What exists once per cluster; in a shared cluster only the owner stack's model has it. */
const clusterWideSchema = z.strictObject({
    /** The sealed-secrets controller, which unseals every SealedSecret of the cluster. */
    sealedSecrets: chartPartSchema,
    /** cert-manager and the ClusterIssuers that sign the platform's certificates. */
    certManager: z.strictObject({ namespace: dnsLabel, releaseName: dnsLabel, chart: chartSchema, values: chartValues, size, issuers: z.array(issuerSchema).min(1) }),
    /** The cluster's Argo CD: required, but on a fleet spoke (`fleet.role: "spoke"`), whose cluster the hub's Argo CD manages and which has none. */
    argocd: argocdSchema.optional(),
    rollouts: rolloutsSchema,
    /** kube-prometheus-stack's cluster release: CRDs, the one prometheus-operator, node-exporter, kube-state-metrics and the kubelet Service. */
    monitoring: chartPartSchema,
});

export const stackModelSchema = z.strictObject({
    /** Short environment name (`dev`, `prod`): used in names, labels and message titles. */
    environment: dnsLabel,
    /** Other environments that may share the cluster: their namespaces must never reach this environment's receivers. */
    peerEnvironments: z.array(dnsLabel).default([]),
    cluster: clusterSchema,
    /** The identity provider people sign in with, where Argo CD or Grafana uses single sign-on. */
    identityProvider: identityProviderSchema.optional(),
    /** The cluster-wide parts: required when this stack installs them (dedicated cluster, or owner of a shared one), absent otherwise. */
    clusterWide: clusterWideSchema.optional(),
    argocd: environmentAppsSchema.default({ applications: [], applicationSets: [] }),
    rollouts: environmentRolloutsSchema.default({ analysisTemplates: [] }),
    monitoring: monitoringSchema,
    /** One hub of a fleet (Argo CD managing spoke clusters by label), or one spoke of it; absent: no fleet (docs/fleet.md). */
    fleet: fleetSchema.optional(),
});

/** What a stack file writes (defaults may be omitted). */
export type StackModelInput = z.input<typeof stackModelSchema>;
/** A model after parsing: defaults applied. Cross-references are checked separately. */
export type StackModel = z.output<typeof stackModelSchema>;
export type ClusterModel = StackModel["cluster"];
export type ClusterWideModel = NonNullable<StackModel["clusterWide"]>;
export type ArgoCdModel = NonNullable<ClusterWideModel["argocd"]>;
export type NotificationsModel = z.output<typeof notificationsSchema>;
export type ProjectModel = z.output<typeof projectSchema>;
export type ApplicationModel = z.output<typeof applicationSchema>;
export type ApplicationSetModel = z.output<typeof applicationSetSchema>;
export type RolloutsModel = ClusterWideModel["rollouts"];
export type AnalysisTemplateModel = StackModel["rollouts"]["analysisTemplates"][number];
export type MonitoringModel = StackModel["monitoring"];
export type AlertmanagerModel = MonitoringModel["alertmanager"];
export type ChartModel = z.output<typeof chartSchema>;
export type Exposure = z.output<typeof exposureSchema>;
export type IdentityProviderModel = z.output<typeof identityProviderSchema>;
export type CertManagerModel = ClusterWideModel["certManager"];
export type IssuerModel = CertManagerModel["issuers"][number];
export type GrafanaModel = MonitoringModel["grafana"];
