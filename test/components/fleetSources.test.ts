/** A hub's spoke built elsewhere, read from the config secrets its model names (no StackReference). */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveSpokes } from "../../components/fleetSources";
import { demoCertificatePem, ROOT } from "../harness";
import { hubFleet } from "../helpers/fleet";

const lab = hubFleet((f) => (f.spokes = [f.spokes[2]]));
const caPem = fs.readFileSync(path.join(ROOT, "demo", "ca.crt"), "utf8");

describe("a spoke from config", () => {
    it("is its server from the model, and its CA, token and sealing certificate from the secrets the model names", async () => {
        const { spokes } = await resolveSpokes("fleet-hub", "fixture", lab, { labCa: caPem, labToken: "token-of-lab", labSealingCertificate: demoCertificatePem });
        expect(spokes).toHaveLength(1);
        expect(spokes[0].access).toStrictEqual({ server: "https://lab.example.com:6443", caPem, bearerToken: "token-of-lab", namespaces: undefined });
        expect(spokes[0].certificate.pem).toBe(demoCertificatePem);
    });

    it("is refused at its path when its sealing certificate cannot be used", async () => {
        await expect(resolveSpokes("fleet-hub", "fixture", lab, { labCa: caPem, labToken: "t", labSealingCertificate: "not a certificate" })).rejects.toThrow(/fleet\.spokes\[0\]\.source\.config\.sealingCertificate: the spoke's sealing certificate cannot be used/);
    });
});
