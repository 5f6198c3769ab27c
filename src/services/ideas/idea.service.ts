// Idea boards and closing the loop: members propose ideas in a group and vote
// for them (votes are Likes, so other servers count them too); the group's
// moderators answer with a status and a reason. The answer is a reply from
// the group that mentions the author and every voter, so each of them is
// notified on their own instance, Mastodon included.
import { countHomeVotes, findIdea, ideaHistory, ideaVoterUris, insertIdea, setIdeaStatus } from "../../db/repos/idea.repo.ts";
import { ideaBoardRows, type IdeaBoardCursor, type IdeaSort } from "../../db/queries/idea-board.queries.ts";
import { findPostById, findPostByUri } from "../../db/repos/post.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { Transaction } from "kysely";
import type { ActorRow, Database, PostRow } from "../../db/schema.ts";
import { notFound, validationFailed } from "../../domain/errors.ts";
import { assertCanModerate, assertCanPost } from "../../domain/group.rules.ts";
import { IDEA_TAG, ideaCursor, momentumOf, parseIdeaCursor, parseIdeaStatus, STATUS_TAG_PREFIX, statusFromTags } from "../../domain/idea.rules.ts";
import { keysetPage, type KeysetPage } from "../../domain/keyset-page.ts";
import { requireLocalUserActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { findGroup, membershipOf } from "../groups/group.service.ts";
import { canViewPost, createGroupReply, createPost, getPost, likePost, unlikePost } from "../posts/post.service.ts";
import { homeMemberUris } from "../groups/remote-members.service.ts";
import { resolveGroupAccess, type GroupAccess } from "../groups/group-access.ts";
import { viewerOf, visiblePostIds } from "../visibility.service.ts";

export async function proposeIdea(ctx: ServiceContext, username: string, groupRef: string, input: { title: string; content: string }) {
  const user = await requireLocalUserActor(ctx, username);
  const group = await findGroup(ctx, groupRef, user.id);
  assertCanPost(await membershipOf(ctx, group.actor.id, user.id));
  if (!input.title?.trim()) throw validationFailed("An idea needs a title", { field: "title" });
  // The #idea tag tells other servers (and people on Mastodon) what this is.
  const content = /(^|\s)#idea\b/i.test(input.content) ? input.content : `${input.content.trim()}\n\n#${IDEA_TAG}`;
  const post = await createPost(ctx, username, { group: group.actor.id, title: input.title, content }, (trx, postId) =>
    insertIdea(trx, postId, group.actor.id),
  );
  return getIdea(ctx, post.id, user.id);
}

async function requireIdea(ctx: ServiceContext, postId: string, viewerId: string | null) {
  const idea = await findIdea(ctx.db, postId);
  const post = idea ? await findPostById(ctx.db, postId) : undefined;
  if (!idea || !post || !(await canViewPost(ctx, post, viewerId))) throw notFound(`No idea ${postId}`);
  return { idea, post };
}

export async function getIdea(ctx: ServiceContext, postId: string, viewerId: string | null) {
  const { idea, post } = await requireIdea(ctx, postId, viewerId);
  const scored = (await countVotesOfHome(ctx, idea.group_id)) ? ((await findIdea(ctx.db, postId)) ?? idea) : idea;
  return {
    post: (await getPost(ctx, postId, viewerId))!,
    status: scored.status,
    reason: scored.status_reason,
    duplicateOf: scored.duplicate_of,
    votes: scored.votes,
    momentum: momentumOf(scored.rising, scored.votes),
    history: (await ideaHistory(ctx.db, post.id)).map((h) => ({ status: h.status, reason: h.reason, at: h.created_at.toISOString() })),
  };
}

/**
 * A group hosted elsewhere: whose relayed votes count is decided by the home's
 * member list (it relays every member's vote to us, but we hold only our own
 * people's memberships), so every instance shows the home's total. The votes
 * are marked against that list, and the stored scores follow (ADR 0116).
 * When the home cannot be asked, the last marks stand. True when it marked.
 */
async function countVotesOfHome(ctx: ServiceContext, groupId: string): Promise<boolean> {
  const group = await findActorById(ctx.db, groupId);
  const members = group && !group.is_local ? await homeMemberUris(ctx, group) : null;
  if (!members) return false;
  await countHomeVotes(ctx.db, groupId, members);
  return true;
}

export interface IdeaCard {
  id: string;
  title: string | null;
  status: string;
  reason: string | null;
  votes: number;
  momentum: number;
}

export const IDEA_BOARD_PAGE = 50;

/**
 * One page of a board, ranked by member votes (`top`) or by votes weighted by
 * age (`momentum`), optionally of one status or matching a search, after the
 * cursor `after` (the last idea shown). Read from the stored scores a page at a
 * time, and refilled past ideas this viewer may not see (ADR 0056, 0116).
 */
export async function ideaBoard(ctx: ServiceContext, groupRef: string, viewerId: string | null, options: IdeaBoardOptions): Promise<KeysetPage<IdeaCard>> {
  return ideaBoardOf(ctx, await resolveGroupAccess(ctx, groupRef, viewerId), options);
}

export interface IdeaBoardOptions {
  sort: IdeaSort;
  search?: string | undefined;
  status?: string | undefined;
  after?: string | undefined;
  size?: number;
}

/** The board for the request that resolved `access` (the group is visible to the viewer; each idea is decided by the rule). */
export async function ideaBoardOf(ctx: ServiceContext, access: GroupAccess, options: IdeaBoardOptions): Promise<KeysetPage<IdeaCard>> {
  const { group, viewerId } = access;
  await countVotesOfHome(ctx, group.actor.id);
  const size = options.size ?? IDEA_BOARD_PAGE;
  const viewer = viewerOf(viewerId);
  const scoreOf = (row: { votes: number; rising: number }) => (options.sort === "momentum" ? row.rising : row.votes);
  const shown: Array<IdeaCard & { score: number }> = [];
  let after: IdeaBoardCursor | undefined = parseIdeaCursor(options.after) ?? undefined;
  for (;;) {
    const rows = await ideaBoardRows(ctx.db, group.actor.id, {
      sort: options.sort,
      status: options.status,
      search: options.search?.trim() || undefined,
      after,
      limit: size + 1,
    });
    const visible = await visiblePostIds(
      ctx,
      viewer,
      rows.map((r) => ({ id: r.post_id, visibility: r.visibility, author_id: r.author_id, group_id: r.group_id })),
    );
    for (const row of rows) {
      if (!visible.has(row.post_id) || shown.length > size) continue;
      shown.push({
        id: row.post_id,
        title: row.title,
        status: row.status,
        reason: row.status_reason,
        votes: row.votes,
        momentum: momentumOf(row.rising, row.votes),
        score: scoreOf(row),
      });
    }
    const last = rows.at(-1);
    if (shown.length > size || rows.length <= size || !last) break;
    after = { score: scoreOf(last), id: last.post_id };
  }
  const page = keysetPage(shown, size, (i) => ideaCursor(i.score, i.id));
  return { items: page.items.map(({ score: _score, ...card }) => card), next: page.next };
}

export async function voteForIdea(ctx: ServiceContext, username: string, postId: string, on: boolean) {
  const user = await requireLocalUserActor(ctx, username);
  const { idea } = await requireIdea(ctx, postId, user.id);
  if (on) {
    assertCanPost(await membershipOf(ctx, idea.group_id, user.id));
    await likePost(ctx, username, postId);
  } else {
    await unlikePost(ctx, username, postId);
  }
  return getIdea(ctx, postId, user.id);
}

/** A moderator of the owning group answers: status, reason, and a reply that reaches every voter. */
export async function answerIdea(
  ctx: ServiceContext,
  username: string,
  postId: string,
  input: { status: string; reason?: string | undefined; duplicateOf?: string | undefined },
) {
  const user = await requireLocalUserActor(ctx, username);
  const { idea, post } = await requireIdea(ctx, postId, user.id);
  const group = await findActorById(ctx.db, idea.group_id);
  if (!group?.is_local) throw validationFailed("Answer ideas on the instance that owns the group");
  assertCanModerate(await membershipOf(ctx, group.id, user.id));
  const status = parseIdeaStatus(input.status);
  let duplicateOf: PostRow | undefined;
  if (status === "duplicate") {
    duplicateOf = input.duplicateOf ? await findPostById(ctx.db, input.duplicateOf) : undefined;
    if (!duplicateOf || !(await findIdea(ctx.db, duplicateOf.id))) throw validationFailed("Say which idea this duplicates (duplicateOf)");
  }
  const reason = input.reason?.trim() || null;
  const author = await findActorById(ctx.db, post.author_id);
  const voters = await ideaVoterUris(ctx.db, post.id);
  const mentionUris = [...new Set([author?.uri, ...voters].filter((u): u is string => Boolean(u)))];
  const label = status.replace(/_/g, " ");
  const text = [`Status: ${label}${reason ? ` — ${reason}` : ""}`, duplicateOf ? `Same as ${duplicateOf.uri}` : null, `#${STATUS_TAG_PREFIX}${status}`]
    .filter(Boolean)
    .join("\n\n");
  await createGroupReply(ctx, group, { inReplyTo: post, content: text, mentionUris, tags: [`${STATUS_TAG_PREFIX}${status}`], causedById: user.id }, (trx) =>
    setIdeaStatus(trx, { postId: post.id, status, reason, duplicateOf: duplicateOf?.uri ?? null, byId: user.id }),
  );
  return getIdea(ctx, postId, user.id);
}

/**
 * Called when a post from elsewhere is stored: an #idea in a group becomes an
 * idea here too; a reply by the idea's own group with a status tag updates it.
 */
export async function recognizeIdeaActivity(
  trx: Transaction<Database>,
  stored: { id: string; inReplyToUri: string | null; groupId: string | null; tags: string[]; author: ActorRow; text: string },
): Promise<void> {
  if (!stored.groupId) return;
  if (!stored.inReplyToUri && stored.tags.includes(IDEA_TAG)) {
    await insertIdea(trx, stored.id, stored.groupId);
    return;
  }
  const status = statusFromTags(stored.tags);
  if (!status || !stored.inReplyToUri || stored.author.id !== stored.groupId) return;
  const parent = await findPostByUri(trx, stored.inReplyToUri);
  if (!parent || !(await findIdea(trx, parent.id))) return;
  const reason = /Status: [^—]*— (.+?)(?=#ideastatus_|Same as |$)/s.exec(stored.text)?.[1]?.trim() ?? null;
  await setIdeaStatus(trx, { postId: parent.id, status, reason, duplicateOf: null, byId: stored.author.id });
}
