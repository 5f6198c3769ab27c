// A local actor changed its profile: tell its followers with Update(actor).
import type { Context } from "@fedify/fedify";
import { Update } from "@fedify/vocab";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { ServiceContext } from "../../services/context.ts";
import { toActor } from "../mappers/actor.mapper.ts";
import { knownMentionsIn } from "../../services/accounts/profile.service.ts";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";
import { withGroupFacts } from "../mappers/group-facts.mapper.ts";

export async function sendActorUpdated(ctx: Context<ServiceContext>, actorId: string, activityId: URL): Promise<void> {
  const row = await findActorById(ctx.data.db, actorId);
  if (!row?.is_local) return;
  const keys = await ctx.getActorKeyPairs(row.username);
  const person = toActor(ctx, row.username, row, keys, await knownMentionsIn(ctx.data, row.summary));
  // A group's Update states its settings as its document does (a changed questions switch).
  const group = row.type === "Group" ? await findGroupByActorId(ctx.data.db, row.id) : undefined;
  const actor = group ? withGroupFacts(person, { visibility: group.group.visibility, questionsEnabled: group.group.questions_enabled }) : person;
  await ctx.sendActivity({ identifier: row.username }, "followers", new Update({ id: activityId, actor: actor.id, object: actor }), {
    preferSharedInbox: true,
  });
}
