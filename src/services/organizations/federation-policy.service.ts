// The instance's federation policy, read often (every inbox POST, every
// delivery) and changed rarely: cached briefly in memory. A change made here
// applies at once; one made by another process within CACHE_MS.
import {
  deleteHostPolicy,
  listHostPolicies,
  listHostPoliciesAfter,
  readFederationMode,
  upsertHostPolicy,
  writeFederationMode,
} from "../../db/repos/federation-policy.repo.ts";
import { forbidden, notFound } from "../../domain/errors.ts";
import { keysetPage } from "../../domain/keyset-page.ts";
import { isPeerAllowed, isPeerLimited, normalizeHost, parseMode, type FederationPolicy } from "../../domain/federation-policy.rules.ts";
import type { ServiceContext } from "../context.ts";
import { cliActor, recordAudit, type AuditActor } from "./audit.service.ts";

const CACHE_MS = 5_000;
const cache = new WeakMap<object, { policy: FederationPolicy; at: number }>();

export async function getFederationPolicy(ctx: ServiceContext): Promise<FederationPolicy> {
  const cached = cache.get(ctx.db);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.policy;
  const [mode, hosts] = await Promise.all([readFederationMode(ctx.db), listHostPolicies(ctx.db)]);
  const policy: FederationPolicy = {
    mode,
    allowed: new Set(hosts.filter((h) => h.policy === "allow").map((h) => h.host)),
    blocked: new Set(hosts.filter((h) => h.policy === "block").map((h) => h.host)),
    limited: new Set(hosts.filter((h) => h.policy === "limited").map((h) => h.host)),
  };
  cache.set(ctx.db, { policy, at: Date.now() });
  return policy;
}

function invalidate(ctx: ServiceContext): void {
  cache.delete(ctx.db);
}

export async function peerAllowed(ctx: ServiceContext, host: string): Promise<boolean> {
  if (host.toLowerCase() === ctx.origin.host.toLowerCase()) return true;
  return isPeerAllowed(await getFederationPolicy(ctx), host);
}

export async function assertPeerAllowed(ctx: ServiceContext, host: string): Promise<void> {
  if (!(await peerAllowed(ctx, host))) {
    throw forbidden(`This instance does not federate with ${host} (see \`ecotone federation policy\`)`);
  }
}

// Every policy change is audited; `by` is the admin (web, Partners), or the
// admin CLI when not given.
export async function setFederationMode(ctx: ServiceContext, mode: string, by: AuditActor = cliActor(ctx)): Promise<void> {
  const parsed = parseMode(mode);
  await ctx.db.transaction().execute(async (trx) => {
    await writeFederationMode(trx, parsed);
    await recordAudit(trx, by, { action: "federation.mode_set", details: { mode: parsed } });
  });
  invalidate(ctx);
}

async function setHostPolicy(
  ctx: ServiceContext,
  host: string,
  policy: "allow" | "block" | "limited",
  note: string | undefined,
  by: AuditActor,
): Promise<string> {
  const normalized = normalizeHost(host);
  await ctx.db.transaction().execute(async (trx) => {
    await upsertHostPolicy(trx, normalized, policy, note ?? null);
    await recordAudit(trx, by, {
      action: `federation.${policy === "allow" ? "allowed" : policy === "block" ? "blocked" : "limited"}`,
      target: normalized,
      details: note ? { note } : null,
    });
  });
  invalidate(ctx);
  return normalized;
}

export async function allowHost(ctx: ServiceContext, host: string, note?: string, by: AuditActor = cliActor(ctx)): Promise<string> {
  return setHostPolicy(ctx, host, "allow", note, by);
}

export async function blockHost(ctx: ServiceContext, host: string, note?: string, by: AuditActor = cliActor(ctx)): Promise<string> {
  return setHostPolicy(ctx, host, "block", note, by);
}

/** Federates, but people from there need a moderator's approval to join our groups. */
export async function limitHost(ctx: ServiceContext, host: string, note?: string, by: AuditActor = cliActor(ctx)): Promise<string> {
  return setHostPolicy(ctx, host, "limited", note, by);
}

export async function peerLimited(ctx: ServiceContext, host: string): Promise<boolean> {
  return isPeerLimited(await getFederationPolicy(ctx), host);
}

export async function forgetHost(ctx: ServiceContext, host: string, by: AuditActor = cliActor(ctx)): Promise<void> {
  const normalized = normalizeHost(host);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await deleteHostPolicy(trx, normalized))) throw notFound(`No rule for ${normalized}`);
    await recordAudit(trx, by, { action: "federation.rule_removed", target: normalized });
  });
  invalidate(ctx);
}

/** The mode and one page of the listed hosts, by name, read as a page (LIMIT n+1, ADR 0056). */
export async function pagePolicy(ctx: ServiceContext, after: string | undefined, size: number) {
  const [mode, rows] = await Promise.all([readFederationMode(ctx.db), listHostPoliciesAfter(ctx.db, after, size + 1)]);
  return {
    mode,
    hosts: keysetPage(
      rows.map((h) => ({ host: h.host, policy: h.policy, note: h.note })),
      size,
      (h) => h.host,
    ),
  };
}

export async function describePolicy(ctx: ServiceContext) {
  const [mode, hosts] = await Promise.all([readFederationMode(ctx.db), listHostPolicies(ctx.db)]);
  return { mode, hosts: hosts.map((h) => ({ host: h.host, policy: h.policy, note: h.note })) };
}
