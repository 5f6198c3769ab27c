// Mastodon conversations: the direct threads a local account takes part in.
// The rows say only read/unread and removed; what each shows (its newest
// direct post, its people) is read through the one visibility rule.
import type { Transaction } from "kysely";
import { findConversation, listConversations, type ConversationRow } from "../../db/queries/conversation.queries.ts";
import { actorsByIds, actorsByUris, type PostEntry } from "../../db/queries/post.queries.ts";
import { markConversationRead, removeConversation, touchConversations } from "../../db/repos/conversation.repo.ts";
import type { ActorCard, Database, PostRow } from "../../db/schema.ts";
import { notFound } from "../../domain/errors.ts";
import type { ServiceContext } from "../context.ts";
import type { PageBounds } from "../../db/queries/timeline.queries.ts";
import { getPostEntries } from "./timeline.service.ts";

export interface ConversationView {
  id: string;
  unread: boolean;
  accounts: ActorCard[];
  lastStatus: PostEntry;
}

/** In the transaction that stores a post (written here or received): a direct post updates its participants' conversations. */
export async function recordConversationPost(
  trx: Transaction<Database>,
  post: Pick<PostRow, "visibility" | "thread_uri" | "author_id">,
  mentionUris: string[],
): Promise<void> {
  if (post.visibility !== "direct") return;
  await touchConversations(trx, post.thread_uri, post.author_id, mentionUris);
}

async function views(ctx: ServiceContext, ownerId: string, rows: ConversationRow[]): Promise<ConversationView[]> {
  const entries = new Map(
    (
      await getPostEntries(
        ctx,
        ownerId,
        rows.map((r) => r.lastPostId),
      )
    ).map((e) => [e.post.id, e]),
  );
  const uris = [...new Set([...entries.values()].flatMap((e) => e.mentions))];
  const mentioned = new Map((await actorsByUris(ctx.db, uris)).map((a) => [a.uri, a]));
  const [owner] = await actorsByIds(ctx.db, [ownerId]);
  const result: ConversationView[] = [];
  for (const row of rows) {
    const entry = entries.get(row.lastPostId);
    if (!entry) continue;
    const people = new Map<string, ActorCard>();
    for (const actor of [entry.author, ...entry.mentions.map((u) => mentioned.get(u))]) {
      if (actor && actor.id !== ownerId) people.set(actor.id, actor);
    }
    // A note to oneself lists oneself, as Mastodon does.
    result.push({ id: row.id, unread: row.unread, accounts: people.size > 0 ? [...people.values()] : owner ? [owner] : [], lastStatus: entry });
  }
  return result;
}

export async function getConversations(ctx: ServiceContext, ownerId: string, bounds: PageBounds): Promise<{ items: ConversationView[]; pageIds: string[] }> {
  const rows = await listConversations(ctx.db, ownerId, bounds);
  return { items: await views(ctx, ownerId, rows), pageIds: rows.map((r) => r.lastPostId) };
}

export async function readConversation(ctx: ServiceContext, ownerId: string, id: string): Promise<ConversationView> {
  if (!(await markConversationRead(ctx.db, ownerId, id))) throw notFound("Record not found");
  const row = await findConversation(ctx.db, ownerId, id);
  const [view] = row ? await views(ctx, ownerId, [row]) : [];
  if (!view) throw notFound("Record not found");
  return view;
}

export async function deleteConversation(ctx: ServiceContext, ownerId: string, id: string): Promise<void> {
  if (!(await removeConversation(ctx.db, ownerId, id))) throw notFound("Record not found");
}
