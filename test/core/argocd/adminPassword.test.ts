/** The admin password hash, judged by bcrypt as Argo CD checks it. */
import { compareSync, getSalt } from "bcryptjs";
import { describe, expect, it } from "vitest";
import { adminPasswordHash } from "../../../core/argocd/adminPassword";

describe("adminPasswordHash", () => {
    const hash = adminPasswordHash("correct horse battery", "gitops/prod");

    it("is a bcrypt hash of the password and no other", () => {
        expect(compareSync("correct horse battery", hash)).toBe(true);
        expect(compareSync("correct horse battery!", hash)).toBe(false);
    });

    it("is the same for the same password and stack, so an unchanged password previews as no change", () => {
        expect(adminPasswordHash("correct horse battery", "gitops/prod")).toBe(hash);
    });

    it("is salted per stack: the same password gives another hash in another stack, and each still checks", () => {
        const dev = adminPasswordHash("correct horse battery", "gitops/dev");
        expect(getSalt(dev)).not.toBe(getSalt(hash));
        expect(compareSync("correct horse battery", dev)).toBe(true);
    });
});
