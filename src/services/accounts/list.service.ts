// Lists: an account's own groupings of people it follows, each a timeline.
import {
  addListAccounts,
  deleteList,
  findList,
  insertList,
  listMembers,
  listsHolding,
  listsOf,
  removeListAccounts,
  updateList,
  type ListRow,
  type RepliesPolicy,
} from "../../db/repos/list.repo.ts";
import { listTimeline } from "../../db/queries/timeline.queries.ts";
import type { ActorRow } from "../../db/schema.ts";
import { hydrate } from "../../db/queries/post.queries.ts";
import { notFound, validationFailed } from "../../domain/errors.ts";
import { newId } from "../../domain/ids.ts";
import type { ServiceContext } from "../context.ts";
import { filterVisiblePosts, viewerOf } from "../visibility.service.ts";
import { getRelationships, type PageBounds, type PostEntry } from "../posts/timeline.service.ts";

export type { ListRow, RepliesPolicy };

const POLICIES = new Set(["followed", "list", "none"]);
const MAX_LISTS = 100;

export interface ListInput {
  title?: unknown;
  repliesPolicy?: unknown;
  exclusive?: boolean | undefined;
}

function title(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw validationFailed("Validation failed: Title can't be blank");
  if (value.length > 200) throw validationFailed("A list title is at most 200 characters");
  return value.trim();
}

function policy(value: unknown): RepliesPolicy | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || !POLICIES.has(value)) throw validationFailed("replies_policy must be followed, list or none");
  return value as RepliesPolicy;
}

export async function requireList(ctx: ServiceContext, ownerId: string, id: string): Promise<ListRow> {
  const list = /^\d{1,25}$/.test(id) ? await findList(ctx.db, ownerId, id) : undefined;
  if (!list) throw notFound("Record not found");
  return list;
}

export async function createList(ctx: ServiceContext, ownerId: string, input: ListInput): Promise<ListRow> {
  const lists = await listsOf(ctx.db, ownerId);
  if (lists.length >= MAX_LISTS) throw validationFailed(`You can have at most ${MAX_LISTS} lists`);
  return insertList(ctx.db, {
    id: newId(),
    actorId: ownerId,
    title: title(input.title),
    repliesPolicy: policy(input.repliesPolicy) ?? "list",
    exclusive: input.exclusive ?? false,
  });
}

export async function changeList(ctx: ServiceContext, ownerId: string, id: string, input: ListInput): Promise<ListRow> {
  const list = await requireList(ctx, ownerId, id);
  await updateList(ctx.db, list.id, {
    ...(input.title !== undefined ? { title: title(input.title) } : {}),
    ...(policy(input.repliesPolicy) ? { repliesPolicy: policy(input.repliesPolicy)! } : {}),
    ...(input.exclusive !== undefined ? { exclusive: input.exclusive } : {}),
  });
  return requireList(ctx, ownerId, id);
}

export async function removeList(ctx: ServiceContext, ownerId: string, id: string): Promise<void> {
  await deleteList(ctx.db, (await requireList(ctx, ownerId, id)).id);
}

export const getLists = (ctx: ServiceContext, ownerId: string) => listsOf(ctx.db, ownerId);
export const getListsHolding = (ctx: ServiceContext, ownerId: string, accountId: string) => listsHolding(ctx.db, ownerId, accountId);

/** Adds accounts the owner follows (Mastodon refuses others, as here). */
export async function addToList(ctx: ServiceContext, ownerId: string, id: string, accountIds: string[]): Promise<void> {
  const list = await requireList(ctx, ownerId, id);
  if (accountIds.length === 0) throw validationFailed("account_ids must name at least one account");
  const rels = await getRelationships(ctx, ownerId, accountIds);
  const notFollowed = accountIds.filter((a) => !rels.get(a)?.following);
  if (notFollowed.length > 0) throw validationFailed("Validation failed: You can only add accounts you follow to a list");
  await addListAccounts(ctx.db, list.id, accountIds);
}

export async function removeFromList(ctx: ServiceContext, ownerId: string, id: string, accountIds: string[]): Promise<void> {
  const list = await requireList(ctx, ownerId, id);
  await removeListAccounts(ctx.db, list.id, accountIds);
}

export async function getListAccounts(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  page: { maxId?: string | undefined; limit: number },
): Promise<ActorRow[]> {
  return listMembers(ctx.db, (await requireList(ctx, ownerId, id)).id, page);
}

export async function getListTimeline(ctx: ServiceContext, ownerId: string, id: string, bounds: PageBounds): Promise<PostEntry[]> {
  const list = await requireList(ctx, ownerId, id);
  const rows = await listTimeline(ctx.db, ownerId, { id: list.id, repliesPolicy: list.replies_policy }, bounds);
  return hydrate(ctx.db, await filterVisiblePosts(ctx, viewerOf(ownerId), rows, (row) => row), ownerId);
}
