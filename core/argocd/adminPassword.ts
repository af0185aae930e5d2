import { createHash, createHmac } from "node:crypto";
import { encodeBase64, hashSync } from "bcryptjs";

const COST = 10;

/** Hashes made in this process, by their salt and the password's digest: bcrypt takes a tenth of a second, and a render of many stacks or commits asks for the same hash again. */
const made = new Map<string, string>();

/**
 * The bcrypt hash Argo CD checks the admin password against. The bcrypt salt is derived from
 * the password and the stack, not drawn at random, so an unchanged password gives an unchanged
 * hash and `pulumi preview` shows no change.
 */
export function adminPasswordHash(password: string, stackScope: string): string {
    const saltBytes = createHmac("sha256", password).update(`gitops/argocd-admin-password/${stackScope}`).digest().subarray(0, 16);
    const salt = `$2b$${COST}$${encodeBase64([...saltBytes], 16)}`;
    const key = `${salt} ${createHash("sha256").update(password).digest("base64")}`;
    let hash = made.get(key);
    if (hash === undefined) {
        hash = hashSync(password, salt);
        made.set(key, hash);
    }
    return hash;
}
