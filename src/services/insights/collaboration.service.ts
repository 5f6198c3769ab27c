// Collaboration across companies (docs/insights.md "Collaboration"): who
// replies to, mentions and works with whom, organization × organization, and
// the people who bridge several companies or groups, read from the rollups of
// migration 0084. Same privacy rules as the insights they belong to.
import {
  assertAdmin,
  MIN_BREAKDOWN_PEOPLE,
  parseInsightQuery,
  smallGroupWithholding,
  type InsightQuery,
  type WithheldFigure,
} from "../../domain/insight.rules.ts";
import { bridgingPeople, collaborationPairs } from "../../db/queries/insight-collaboration.queries.ts";
import type { InsightScope } from "../../db/queries/insight.queries.ts";
import { actorsByIds } from "../../db/queries/post.queries.ts";
import { groupsByActorIds } from "../../db/queries/group.queries.ts";
import { toActorView, type ActorView } from "../accounts/actor.service.ts";
import { organizationsByDomain } from "../organizations/organization.service.ts";
import type { ServiceContext } from "../context.ts";
import { groupForInsights, type RawInsightQuery, type Who } from "./insight.service.ts";

const BRIDGES = 20;

export interface CollaborationPair {
  from: string;
  to: string;
  replies: number;
  mentions: number;
  worksWith: number;
}

export interface Bridge {
  actor: ActorView;
  organization: string;
  /** Other organizations this person was in contact with plus the groups where (one point each). */
  score: number;
  organizations: string[];
  groups: string[];
  contacts: number;
  why: string;
}

export interface CollaborationView {
  range: InsightQuery;
  breakdownWithheld: string | null;
  /** True when the fewer-than-5 rule left the pairs out (insights' `small`). */
  small: boolean;
  withheld: WithheldFigure[];
  organizations: Record<string, string>;
  pairs: CollaborationPair[];
  bridges: Bridge[];
}

export async function groupCollaboration(ctx: ServiceContext, caller: Who, ref: string, raw: RawInsightQuery): Promise<CollaborationView> {
  const { group, members } = await groupForInsights(ctx, caller, ref);
  const withheld = members < MIN_BREAKDOWN_PEOPLE ? `The group has fewer than ${MIN_BREAKDOWN_PEOPLE} members` : null;
  return { ...(await collaboration(ctx, group.actor.id, parseInsightQuery(raw), withheld)), ...smallGroupWithholding(members, ["pairs"]) };
}

export async function instanceCollaboration(ctx: ServiceContext, caller: Who, raw: RawInsightQuery): Promise<CollaborationView> {
  assertAdmin(caller.role);
  return collaboration(ctx, null, parseInsightQuery(raw), null);
}

async function collaboration(ctx: ServiceContext, scope: InsightScope, query: InsightQuery, withheld: string | null): Promise<CollaborationView> {
  const [rows, bridgeRows] = await Promise.all([
    withheld ? Promise.resolve([]) : collaborationPairs(ctx.db, scope, query),
    bridgingPeople(ctx.db, scope, query, BRIDGES),
  ]);
  const pairs = new Map<string, CollaborationPair>();
  for (const r of rows) {
    const id = `${r.organization}\u0000${r.other_organization}`;
    const pair = pairs.get(id) ?? { from: r.organization, to: r.other_organization, replies: 0, mentions: 0, worksWith: 0 };
    if (r.kind === "works") pair.worksWith += r.count;
    else pair[r.kind] += r.count;
    pairs.set(id, pair);
  }
  const groupIds = [...new Set(bridgeRows.flatMap((b) => b.groups))];
  const [actors, groups] = await Promise.all([
    actorsByIds(
      ctx.db,
      bridgeRows.map((b) => b.actor_id),
    ),
    groupsByActorIds(ctx.db, groupIds),
  ]);
  const actorById = new Map(actors.map((a) => [a.id, a]));
  const groupHandle = new Map(groups.map((g) => [g.actor.id, `@${g.actor.username}@${g.actor.domain}`]));
  const domains = new Set([...pairs.values()].flatMap((p) => [p.from, p.to]));
  for (const b of bridgeRows) for (const d of [b.organization, ...b.organizations]) domains.add(d);
  const orgs = await organizationsByDomain(ctx, domains);
  const name = (d: string) => orgs.get(d)?.name ?? d;
  const bridges = bridgeRows
    .filter((b) => actorById.has(b.actor_id))
    .map((b) => {
      const handles = b.groups.map((g) => groupHandle.get(g) ?? g);
      const where = scope === null ? ` in ${handles.length} ${handles.length === 1 ? "group" : "groups"}` : "";
      return {
        actor: toActorView(actorById.get(b.actor_id)!),
        organization: b.organization,
        score: b.organizations.length + (scope === null ? handles.length : 0),
        organizations: b.organizations,
        groups: handles,
        contacts: b.contacts,
        why: `Replied to, mentioned or worked with people of ${b.organizations.length} other ${b.organizations.length === 1 ? "organization" : "organizations"} (${b.organizations.map(name).join(", ")})${where}: ${b.contacts} ${b.contacts === 1 ? "contact" : "contacts"}`,
      };
    })
    .sort((x, y) => y.score - x.score || y.contacts - x.contacts);
  return {
    range: query,
    breakdownWithheld: withheld,
    small: false,
    withheld: [],
    organizations: Object.fromEntries([...domains].map((d) => [d, name(d)])),
    pairs: [...pairs.values()],
    bridges,
  };
}
