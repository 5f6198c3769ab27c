// Polls on the wire, as Mastodon does it: our poll's new counts go out as an
// Update of the Question (to its audience and to every server whose people
// voted); a local vote in another server's poll goes to the poll's author
// only, as a Create(Note) whose `name` is the chosen option.
import type { Context } from "@fedify/fedify";
import { Create, Note, Update } from "@fedify/vocab";
import { getPostEntry } from "../../db/queries/post.queries.ts";
import { pollVoterIds } from "../../db/queries/poll.queries.ts";
import { actorsByIds } from "../../db/queries/post.queries.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { ServiceContext } from "../../services/context.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { createActivityOf } from "../mappers/outbox-item.mapper.ts";
import { postObjectOf } from "../mappers/post.mapper.ts";
import { allowedRecipients, mayRead } from "../recipients.ts";
import { sendPostEvent } from "./post.outbox.ts";
import type { BatchReads } from "./batch-reads.ts";

type PollEvent = Extract<OutboxEvent, { type: "poll.updated" | "poll.voted" }>;

export async function sendPollEvent(ctx: Context<ServiceContext>, reads: BatchReads, event: PollEvent, activityId: URL): Promise<void> {
  const db = ctx.data.db;
  const entry = await getPostEntry(db, event.postId, null);
  if (!entry?.poll) return;
  if (event.type === "poll.updated") {
    if (!entry.post.is_local) return;
    // Its audience, the way an edit travels (followers, mentioned people, its group)…
    await sendPostEvent(ctx, reads, { type: "post.updated", postId: event.postId }, activityId);
    // …and the servers of the voters who may still read it, which may not follow the author.
    const voters = (await actorsByIds(db, await pollVoterIds(db, event.postId))).filter((a) => !a.is_local);
    const recipients = await allowedRecipients(ctx.data, await mayRead(ctx.data, entry.post, voters));
    if (recipients.length === 0) return;
    const created = createActivityOf(entry, new URL(ctx.origin));
    const update = new Update({
      id: activityId,
      actor: created.actorId,
      object: postObjectOf(entry, new URL(ctx.origin)),
      tos: created.toIds,
      ccs: created.ccIds,
    });
    await ctx.sendActivity({ identifier: entry.author.username }, recipients.map(toRecipient), update, {
      preferSharedInbox: true,
      orderingKey: entry.post.uri,
    });
    return;
  }
  const voter = await findActorById(db, event.voterId);
  if (!voter?.is_local || entry.author.is_local) return;
  const [author] = await allowedRecipients(ctx.data, [entry.author]);
  if (!author) return;
  for (const choice of event.choices) {
    const name = entry.poll.options[choice];
    if (name === undefined) continue;
    const noteId = new URL(`${voter.uri}#votes/${entry.post.id}/${choice}`);
    const note = new Note({ id: noteId, attribution: new URL(voter.uri), name, replyTarget: new URL(entry.post.uri), tos: [new URL(author.uri)] });
    const create = new Create({ id: new URL(`${noteId.href}/activity`), actor: new URL(voter.uri), object: note, tos: [new URL(author.uri)] });
    await ctx.sendActivity({ identifier: voter.username }, toRecipient(author), create, { orderingKey: entry.post.uri });
  }
}
