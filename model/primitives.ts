/** The value types several sections of the model share (model/schema.ts, model/fleet.ts). */
import { z } from "zod";

export const dnsLabel = z
    .string()
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label (lowercase letters, digits and '-')");
/** A host name on the public DNS: a DNS-1123 subdomain of at least two labels. */
export const hostname = z
    .string()
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, "must be a host name such as argocd.example.com (lowercase letters, digits, '-' and '.')");

/** A Git repository as Argo CD clones it. Exported for the checks of templated ApplicationSet fields. */
export const REPO_URL = /^(https:\/\/[^\s/@]+(\/\S*)?|ssh:\/\/([^\s@/]+@)?[^\s@/:]+(:\d+)?\/\S+|[\w.-]+@[\w.-]+:\S+)$/;
export const REPO_URL_ADVICE = "use https://<host>/<path>, ssh://[user@]<host>/<path> or git@<host>:<path>";
/** A Kubernetes API server. */
export const SERVER_URL = /^https:\/\/[^\s/@]+(\/\S*)?$/;
export const SERVER_URL_ADVICE = "use the API server's https URL, e.g. https://kubernetes.default.svc for the cluster Argo CD runs in";

export const repoUrl = z.string().regex(REPO_URL, `must be a Git repository URL: ${REPO_URL_ADVICE}`);
export const serverUrl = z.string().regex(SERVER_URL, `must be an https URL: ${SERVER_URL_ADVICE}`);

export const CONFIG_REFERENCE = /^gitops:[a-z][A-Za-z0-9]*$/;
export const configReference = z.string().regex(CONFIG_REFERENCE, "must name a secret of the stack's config, such as gitops:argocdSlackToken");

/** A Pulumi stack's short name as Pulumi allows it: letters, digits, '-', '_' and '.', but no name of dots alone, which would name a folder. */
export const STACK_NAME = /^(?!\.+$)[A-Za-z0-9_.-]+$/;
/** A Pulumi stack of this project, by its short name. */
export const stackName = z.string().regex(STACK_NAME, "must be a stack name of this project, such as prod");
