import { createHmac } from "node:crypto";
import { encodeBase64, hashSync } from "bcryptjs";

const COST = 10;

/**
 * The bcrypt hash Argo CD checks the admin password against. The bcrypt salt is derived from
 * the password and the stack, not drawn at random, so an unchanged password gives an unchanged
 * hash and `pulumi preview` shows no change.
 */
export function adminPasswordHash(password: string, stackScope: string): string {
    const saltBytes = createHmac("sha256", password).update(`gitops/argocd-admin-password/${stackScope}`).digest().subarray(0, 16);
    return hashSync(password, `$2b$${COST}$${encodeBase64([...saltBytes], 16)}`);
}
