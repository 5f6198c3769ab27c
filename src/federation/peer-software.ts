// Which software each peer runs, read from its NodeInfo and cached for a day
// (a failed look-up is retried after an hour). The look-up follows only
// NodeInfo links on the peer's own host and no redirects, so a peer cannot
// point us at an address of its choosing; a peer that redirects is unknown,
// and unknown peers get the shape every server reads.
import { parseNodeInfo } from "@fedify/fedify";
import { findPeerSoftware, savePeerSoftware } from "../db/repos/peer-software.repo.ts";
import type { ActorRow } from "../db/schema.ts";
import { PEER_SOFTWARE_RETRY_MS, PEER_SOFTWARE_TTL_MS } from "../domain/peer-software.rules.ts";
import type { ServiceContext } from "../services/context.ts";

async function readNodeInfo(origin: string): Promise<{ software: string; version: string } | null> {
  const wellKnown = await fetch(new URL("/.well-known/nodeinfo", origin), { headers: { accept: "application/json" }, redirect: "manual" });
  if (!wellKnown.ok) {
    await wellKnown.body?.cancel();
    return null;
  }
  const links = ((await wellKnown.json()) as { links?: Array<{ rel?: string; href?: string }> }).links ?? [];
  const host = new URL(origin).host;
  const link = links
    .filter((l) => typeof l.href === "string" && /nodeinfo\.diaspora\.software\/ns\/schema\/2\.[01]$/.test(l.rel ?? ""))
    .map((l) => new URL(l.href!, origin))
    .find((u) => u.host === host && (u.protocol === "https:" || u.protocol === "http:"));
  if (!link) return null;
  const response = await fetch(link, { headers: { accept: "application/json" }, redirect: "manual" });
  if (!response.ok) {
    await response.body?.cancel();
    return null;
  }
  const info = parseNodeInfo(await response.json(), { tryBestEffort: true });
  return info ? { software: info.software.name.toLowerCase(), version: String(info.software.version) } : null;
}

/** The software name of each actor's server (null when unknown), by host. */
/** NodeInfo documents read at once when a relay meets hosts it does not know yet. */
const NODEINFO_AT_ONCE = 32;

export async function peerSoftwareOf(ctx: ServiceContext, actors: Pick<ActorRow, "uri">[]): Promise<Map<string, string | null>> {
  const origins = new Map(actors.map((a) => [new URL(a.uri).host, new URL(a.uri).origin]));
  const known = await findPeerSoftware(ctx.db, [...origins.keys()]);
  const result = new Map<string, string | null>();
  const now = Date.now();
  for (const row of known) {
    const age = now - row.checked_at.getTime();
    if (age < (row.software ? PEER_SOFTWARE_TTL_MS : PEER_SOFTWARE_RETRY_MS)) result.set(row.host, row.software);
  }
  // Several at a time: a first post to a group on 500 new hosts read them one
  // after another, each dead host waiting out the outbound deadline.
  const unknown = [...origins].filter(([host]) => !result.has(host));
  const learn = async ([host, origin]: [string, string]) => {
    const info = await readNodeInfo(origin).catch((error: unknown) => {
      ctx.logger.info({ host, err: error }, "peer NodeInfo unreadable; treating it as a Mastodon-family server");
      return null;
    });
    // A stale answer beats none when the peer is briefly down.
    const stale = known.find((k) => k.host === host)?.software ?? null;
    const software = info?.software ?? stale;
    await savePeerSoftware(ctx.db, host, software, info?.version ?? null);
    result.set(host, software);
  };
  // A pool, not chunks: one slow host holds one reader, not a whole chunk.
  let next = 0;
  const reader = async () => {
    while (next < unknown.length) await learn(unknown[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(NODEINFO_AT_ONCE, unknown.length) }, reader));
  return result;
}
