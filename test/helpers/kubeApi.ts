/**
 * A small Kubernetes API server for the tests of what reads a live cluster: HTTPS on a loopback
 * port, reached through a kubeconfig (so the client's own configuration path is the one used),
 * answering with the responses recorded from a real v1.28.7 API server
 * (../shared/reference/kube-api, see its README) or with small changes of them that a test
 * makes (another version, a third node, a condition turned). Bearer tokens name the user:
 * `admin-token` and `viewer-token`; any other token is refused as the real server refused one.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { ROOT } from "../harness";
import { REFERENCE } from "./reference";

const RECORDED = path.join(REFERENCE, "kube-api", "v1.28.7");
const TLS = path.join(ROOT, "test", "fixtures", "kube-api");

/** A response recorded from the real API server, as a fresh object to change. */
export function recorded(file: string): any {
    return JSON.parse(fs.readFileSync(path.join(RECORDED, file), "utf8"));
}

/** A request as the API server saw it. */
export interface ApiRequest {
    readonly method: string;
    readonly path: string;
    readonly query: URLSearchParams;
    readonly user: "admin" | "viewer";
    readonly body?: any;
}

/** What to answer: a status and a JSON body; undefined for the recorded 404. */
export type ApiResponse = { readonly status: number; readonly body: unknown } | undefined;

export interface KubeApi {
    readonly url: string;
    /** Every request answered, as `METHOD path?query`. */
    readonly requests: string[];
    /** A kubeconfig for this server: contexts `replay` (admin), `replay-viewer` and `replay-bad-token`, trusting its certificate; and `unreachable`, a server where none listens. */
    kubeconfig(): string;
    close(): Promise<void>;
}

/** The Status the real server answers for a missing object, for `path`. */
export function notFound(requestPath: string): { status: number; body: unknown } {
    const body = recorded("GET_api_v1_namespaces_nope_secrets_x.json");
    const name = requestPath.split("/").pop() ?? "";
    return { status: 404, body: { ...body, message: `the server could not find the requested resource (${requestPath})`, details: { ...body.details, name } } };
}

/** Starts the server; `answer` decides each authenticated request. */
export async function startKubeApi(answer: (request: ApiRequest) => ApiResponse): Promise<KubeApi> {
    const requests: string[] = [];
    const server = https.createServer({ key: fs.readFileSync(path.join(TLS, "tls.key")), cert: fs.readFileSync(path.join(TLS, "tls.crt")) }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "https://127.0.0.1");
            requests.push(`${req.method} ${url.pathname}${url.search}`);
            const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
            const user = token === "admin-token" ? "admin" : token === "viewer-token" ? "viewer" : undefined;
            const text = Buffer.concat(chunks).toString("utf8");
            const reply = user === undefined ? { status: 401, body: recorded("GET_api_v1_nodes__bad-token.json") } : (answer({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, user, ...(text ? { body: JSON.parse(text) } : {}) }) ?? notFound(url.pathname));
            res.writeHead(reply.status, { "content-type": "application/json" });
            res.end(JSON.stringify(reply.body));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        url,
        requests,
        kubeconfig: () =>
            yaml.dump({
                apiVersion: "v1",
                kind: "Config",
                clusters: [
                    { name: "replay", cluster: { server: url, "certificate-authority-data": fs.readFileSync(path.join(TLS, "tls.crt")).toString("base64") } },
                    // Port 1 (tcpmux) is privileged and unused: the connection is refused.
                    { name: "nowhere", cluster: { server: "https://127.0.0.1:1" } },
                ],
                users: [
                    { name: "admin", user: { token: "admin-token" } },
                    { name: "viewer", user: { token: "viewer-token" } },
                    { name: "bad", user: { token: "not-a-token" } },
                ],
                contexts: [
                    { name: "replay", context: { cluster: "replay", user: "admin" } },
                    { name: "replay-viewer", context: { cluster: "replay", user: "viewer" } },
                    { name: "replay-bad-token", context: { cluster: "replay", user: "bad" } },
                    { name: "unreachable", context: { cluster: "nowhere", user: "admin" } },
                ],
                "current-context": "replay",
            }),
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}
