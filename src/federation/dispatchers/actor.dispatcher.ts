// Serves local actors (users as Person, the instance as Application) and their
// key pairs; WebFinger answers from the same dispatcher.
import type { Federation } from "@fedify/fedify";
import { Tombstone } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { PATHS } from "../../domain/uris.ts";
import { getLocalActor } from "../../services/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { loadKeyPairs } from "../keys.ts";
import { toActor } from "../mappers/actor.mapper.ts";
import { withGroupVisibility } from "../mappers/group-facts.mapper.ts";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";

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
      const actor = toActor(ctx, identifier, row, keys);
      const group = row.type === "Group" ? await findGroupByActorId(ctx.data.db, row.id) : undefined;
      return group ? withGroupVisibility(actor, group.group.visibility) : actor;
    })
    .setKeyPairsDispatcher(async (ctx, identifier) => {
      const row = await getLocalActor(ctx.data, identifier);
      if (!row) return [];
      return loadKeyPairs(ctx.data, row.id);
    })
    // Handles are case-insensitive; the URI identifier is the username.
    .mapHandle(async (ctx, username) => {
      const row = await getLocalActor(ctx.data, username);
      return row && !row.suspended_at ? row.username : null;
    });
}
