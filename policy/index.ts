/**
 * The policy pack `pulumi preview --policy-pack policy` (and `pulumi up --policy-pack policy`)
 * runs over every resource the stack registers, chart children included: the rules of
 * policies.ts, all mandatory.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("gitops-platform", { enforcementLevel: "mandatory", policies: [...policies] });
