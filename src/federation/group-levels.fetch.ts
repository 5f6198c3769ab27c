// A member instance reads a group's levels from the home's own document: the
// group's id, fetched from its origin, signed by our instance actor (a
// members-only group states its members' levels only to member instances).
// Used when our first member joins (the Update of the group covers later
// changes, in update.handler.ts).
import type { Context } from "@fedify/fedify";
import { Group } from "@fedify/vocab";
import type { ActorRow } from "../db/schema.ts";
import { sameOrigin } from "../domain/trust.rules.ts";
import { INSTANCE_ACTOR_IDENTIFIER } from "../domain/uris.ts";
import { rememberRemoteActor } from "../services/accounts/actor.service.ts";
import type { ServiceContext } from "../services/context.ts";
import { adoptHomeLevels } from "../services/insights/group-levels.service.ts";
import { fromActor } from "./mappers/actor.mapper.ts";
import { statedLevelsIn } from "./mappers/group-levels.mapper.ts";

export async function readHomeLevels(ctx: Context<ServiceContext>, group: ActorRow): Promise<void> {
  if (group.is_local || group.type !== "Group" || sameOrigin(group.uri, ctx.data.origin.href)) return;
  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR_IDENTIFIER });
  const object = await ctx.lookupObject(group.uri, { documentLoader }).catch(() => null);
  if (!(object instanceof Group) || object.id?.href !== group.uri) return;
  const row = await rememberRemoteActor(ctx.data, await fromActor(object));
  await adoptHomeLevels(ctx.data, row, statedLevelsIn(row.raw));
}
