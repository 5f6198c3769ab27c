// The organization behind each instance: ours, set by the admin and published
// to peers (instance actor, NodeInfo, every Person), and the ones we meet,
// learned from their instance and refreshed when stale. Other layers read
// organizations by domain, in batch.
import {
  findOrganization,
  findOrganizations,
  touchOrganizationFetch,
  updateInstanceActorProfile,
  upsertOrganization,
  type OrganizationRow,
} from "../../db/repos/organization.repo.ts";
import { parseOrganizationProfile, type OrganizationProfile } from "../../domain/organization.rules.ts";
import { domainOf, instanceActorUri } from "../../domain/uris.ts";
import { unavailable, validationFailed } from "../../domain/errors.ts";
import { normalizeHost } from "../../domain/federation-policy.rules.ts";
import { recordAudit, type AuditActor } from "./audit.service.ts";
import { localPersonIds } from "../../db/queries/organization.queries.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import type { ServiceContext } from "../context.ts";
import { stripHtml } from "../html.ts";

/** A learned organization is refetched after this long. */
export const ORGANIZATION_FRESH_MS = 6 * 60 * 60_000;
/** After a failed fetch, wait this long before trying again. */
const RETRY_AFTER_MS = 10 * 60_000;
/** Our own profile is re-read from the database this often (another process may have changed it). */
const OWN_CACHE_MS = 30_000;

export interface Organization extends OrganizationProfile {
  domain: string;
  local: boolean;
  /** The instance actor that speaks for it. */
  actorUri: string | null;
  /** False until an admin set ours, or until a peer's was learned. */
  known: boolean;
}

/** What a peer publishes about itself, as the federation layer read it. */
export interface RemoteOrganizationData {
  name: string | null;
  shortName: string | null;
  logoUrl: string | null;
  website: string | null;
  description: string | null;
  actorUri: string | null;
}

function toOrganization(ctx: ServiceContext, domain: string, row: OrganizationRow | undefined): Organization {
  const local = domain === domainOf(ctx.origin);
  return {
    domain,
    local,
    name: row?.name ?? (local ? ctx.instanceName : domain),
    shortName: row?.short_name ?? null,
    logoUrl: row?.logo_url ?? null,
    website: row?.website ?? null,
    description: row?.description ?? null,
    actorUri: row?.actor_uri ?? (local ? instanceActorUri(ctx.origin) : null),
    known: row?.name != null,
  };
}

const ownCache = new WeakMap<object, { org: Organization; at: number }>();

export async function getOwnOrganization(ctx: ServiceContext): Promise<Organization> {
  const domain = domainOf(ctx.origin);
  const org = toOrganization(ctx, domain, await findOrganization(ctx.db, domain));
  ownCache.set(ctx.db, { org, at: Date.now() });
  return org;
}

/**
 * Our organization without waiting, for the ActivityPub mappers (which are
 * synchronous). Loaded at start and after every change; re-read in the
 * background when older than a few seconds.
 */
export function cachedOwnOrganization(ctx: ServiceContext): Organization {
  const cached = ownCache.get(ctx.db);
  if (!cached || Date.now() - cached.at > OWN_CACHE_MS) {
    void getOwnOrganization(ctx).catch((error: unknown) => ctx.logger.warn({ err: error }, "could not read the organization"));
  }
  return cached?.org ?? toOrganization(ctx, domainOf(ctx.origin), undefined);
}

/** The admin sets our organization; the instance actor shows it at once. */
export async function setOwnOrganization(ctx: ServiceContext, by: AuditActor, input: Record<string, unknown>): Promise<Organization> {
  const profile = parseOrganizationProfile(input);
  const domain = domainOf(ctx.origin);
  const actorUri = instanceActorUri(ctx.origin);
  await ctx.db.transaction().execute(async (trx) => {
    await upsertOrganization(
      trx,
      domain,
      {
        name: profile.name,
        short_name: profile.shortName,
        logo_url: profile.logoUrl,
        website: profile.website,
        description: profile.description,
        actor_uri: actorUri,
      },
      { isLocal: true, fetched: false },
    );
    await updateInstanceActorProfile(trx, actorUri, {
      name: profile.name,
      icon_url: profile.logoUrl,
      url: profile.website ?? actorUri,
      summary: profile.description,
    });
    await recordAudit(trx, by, { action: "organization.updated", target: domain, details: { ...profile } });
    // Peers refresh their copy when they get the Update (not 6 hours later);
    // every local Person names the organization too, so each one is updated.
    await recordOutboxEvent(trx, { type: "organization.updated" });
    for (const actorId of await localPersonIds(trx)) await recordOutboxEvent(trx, { type: "actor.updated", actorId });
  });
  ctx.onOutboxEvent?.();
  ctx.logger.info({ organization: profile.name }, "organization profile changed");
  return getOwnOrganization(ctx);
}

/** Organizations by domain, ours included; unknown or stale peers are (re)learned in the background. */
export async function organizationsByDomain(ctx: ServiceContext, domains: Iterable<string>): Promise<Map<string, Organization>> {
  const wanted = [...new Set(domains)];
  return organizationsFromRows(ctx, wanted, await findOrganizations(ctx.db, wanted));
}

/** `organizationsByDomain` on rows already read (findActorLabelRows); stale peers are relearned in the background. */
export function organizationsFromRows(ctx: ServiceContext, domains: Iterable<string>, found: OrganizationRow[]): Map<string, Organization> {
  const wanted = [...new Set(domains)];
  const rows = new Map(found.map((r) => [r.domain, r]));
  const result = new Map<string, Organization>();
  const own = domainOf(ctx.origin);
  for (const domain of wanted) {
    const row = rows.get(domain);
    if (domain !== own && isStale(row)) refreshInBackground(ctx, domain);
    result.set(domain, toOrganization(ctx, domain, row));
  }
  return result;
}

function isStale(row: OrganizationRow | undefined): boolean {
  if (!row?.fetched_at) return true;
  const age = Date.now() - row.fetched_at.getTime();
  return row.name === null ? age > RETRY_AFTER_MS : age > ORGANIZATION_FRESH_MS;
}

const inFlight = new Map<string, Promise<Organization | null>>();

function refreshInBackground(ctx: ServiceContext, domain: string): void {
  void learnOrganization(ctx, domain).catch((error: unknown) => ctx.logger.warn({ err: error, domain }, "could not learn the organization of a peer"));
}

/** A peer's actor was seen: learn its organization if we do not know it yet or it is stale. */
export async function noticeRemoteDomain(ctx: ServiceContext, domain: string, options: { force?: boolean } = {}): Promise<void> {
  if (domain === domainOf(ctx.origin) || !ctx.remote?.fetchOrganization) return;
  if (!options.force && !isStale(await findOrganization(ctx.db, domain))) return;
  refreshInBackground(ctx, domain);
}

/** An admin asks for a peer's organization to be learned again now. */
export async function refreshOrganization(ctx: ServiceContext, rawDomain: string): Promise<Organization | null> {
  const domain = normalizeHost(rawDomain);
  if (domain === domainOf(ctx.origin)) throw validationFailed("That is this instance; set it with PUT /admin/organization");
  if (!ctx.remote?.fetchOrganization) throw unavailable("Federation is not available here; try again through the running server");
  return learnOrganization(ctx, domain);
}

/**
 * Fetches what a peer publishes about its organization (NodeInfo and its
 * instance actor) and stores it. Only the peer speaks for its own domain.
 */
export async function learnOrganization(ctx: ServiceContext, domain: string): Promise<Organization | null> {
  const fetcher = ctx.remote?.fetchOrganization;
  if (!fetcher || domain === domainOf(ctx.origin)) return null;
  const running = inFlight.get(domain);
  if (running) return running;
  const work = (async () => {
    let data: RemoteOrganizationData | null;
    try {
      data = await fetcher(domain);
    } catch (error) {
      ctx.logger.info({ domain, reason: (error as Error).message }, "peer's organization not available");
      data = null;
    }
    if (!data?.name) {
      await touchOrganizationFetch(ctx.db, domain);
      return null;
    }
    const clean = (value: string | null, max: number) => (value ? stripHtml(value).trim().slice(0, max) || null : null);
    const url = (value: string | null) => (value && /^https?:\/\//i.test(value) ? value.slice(0, 2000) : null);
    const actorUri = data.actorUri && new URL(data.actorUri).host === domain ? data.actorUri : null;
    await upsertOrganization(
      ctx.db,
      domain,
      {
        name: clean(data.name, 100),
        short_name: clean(data.shortName, 30),
        logo_url: url(data.logoUrl),
        website: url(data.website),
        description: clean(data.description, 2000),
        actor_uri: actorUri,
      },
      { isLocal: false, fetched: true },
    );
    return toOrganization(ctx, domain, await findOrganization(ctx.db, domain));
  })();
  inFlight.set(domain, work);
  try {
    return await work;
  } finally {
    inFlight.delete(domain);
  }
}
