// Serves local actors (users as Person, the instance as Application) and their
// key pairs; WebFinger answers from the same dispatcher.
import type { Federation } from "@fedify/fedify";
import { PATHS } from "../../domain/uris.ts";
import { getLocalActor } from "../../services/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { loadKeyPairs } from "../keys.ts";
import { toActor } from "../mappers/actor.mapper.ts";
import { knownMentionsIn } from "../../services/profile.service.ts";

export function registerActorDispatcher(federation: Federation<ServiceContext>): void {
  federation
    .setActorDispatcher(PATHS.user, async (ctx, identifier) => {
      const row = await getLocalActor(ctx.data, identifier);
      // A suspended account disappears from the network.
      if (!row || row.suspended_at) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return toActor(ctx, identifier, row, keys, await knownMentionsIn(ctx.data, row.summary));
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
