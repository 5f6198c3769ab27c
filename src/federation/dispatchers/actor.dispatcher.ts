// Serves local actors (users as Person, groups as Group, the instance as
// Application) and their key pairs; WebFinger answers from the same dispatcher.
//
// A secret group does not exist for outsiders (the one visibility rule): no
// WebFinger answer, and its actor document shrinks to what verifying its
// signatures needs (id, inbox, keys) — peers must be able to check the
// group's signed deliveries to its members without learning its name.
import type { Federation, RequestContext } from "@fedify/fedify";
import { Group, Tombstone } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { ActorRow } from "../../db/schema.ts";
import { PATHS } from "../../domain/uris.ts";
import { canFetchGroupContent, viewerOfRequester, type Requester } from "../../services/groups/access.service.ts";
import { getLocalActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { ANONYMOUS, canSeeActor } from "../../services/visibility.service.ts";
import { loadKeyPairsByUsername } from "../keys.ts";
import { toActor } from "../mappers/actor.mapper.ts";
import { knownMentionsIn } from "../../services/accounts/profile.service.ts";
import { withGroupFacts } from "../mappers/group-facts.mapper.ts";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";
import { requesterOf } from "./access.ts";
import { publishedLevels } from "../../services/insights/group-levels.service.ts";

async function hiddenFrom(ctx: RequestContext<ServiceContext>, row: ActorRow, requester: Requester | null): Promise<boolean> {
  if (row.type !== "Group") return false;
  return !(await canSeeActor(ctx.data, viewerOfRequester(requester), row));
}

export function registerActorDispatcher(federation: Federation<ServiceContext>): void {
  federation
    .setActorDispatcher(PATHS.user, async (ctx, identifier) => {
      const row = await getLocalActor(ctx.data, identifier);
      // A deleted account answers 410 Gone, so servers checking its Delete know it is gone.
      if (row?.gone_at) {
        return new Tombstone({ id: ctx.getActorUri(identifier), deleted: Temporal.Instant.fromEpochMilliseconds(row.gone_at.getTime()) });
      }
      // A suspended account disappears from the network.
      if (!row || row.suspended_at) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      // The signed requester, verified once per request (groups only: people are public).
      const requester = row.type === "Group" ? await requesterOf(ctx) : null;
      if (await hiddenFrom(ctx, row, requester)) {
        if (ctx.url.pathname.startsWith("/.well-known/")) return null;
        return new Group({
          id: ctx.getActorUri(identifier),
          inbox: ctx.getInboxUri(identifier),
          publicKey: keys[0]?.cryptographicKey ?? null,
          assertionMethods: keys.map((k) => k.multikey),
        });
      }
      const actor = toActor(ctx, identifier, row, keys, await knownMentionsIn(ctx.data, row.summary));
      const group = row.type === "Group" ? await findGroupByActorId(ctx.data.db, row.id) : undefined;
      if (!group) return actor;
      // Levels name members: stated only to those who may list the members.
      const memberLevels = (await canFetchGroupContent(ctx.data, row.id, requester, { members: true })) ? await publishedLevels(ctx.data, row.id) : null;
      return withGroupFacts(actor, { visibility: group.group.visibility, questionsEnabled: group.group.questions_enabled, memberLevels });
    })
    .setKeyPairsDispatcher((ctx, identifier) => loadKeyPairsByUsername(ctx.data, identifier, (username) => getLocalActor(ctx.data, username)))
    // Handles are case-insensitive; the URI identifier is the username.
    .mapHandle(async (ctx, username) => {
      const row = await getLocalActor(ctx.data, username);
      // WebFinger requests are never signed: the asker is anonymous.
      if (!row || row.suspended_at || !(await canSeeActor(ctx.data, ANONYMOUS, row))) return null;
      return row.username;
    });
}
