// The task lists the web interface shows a page at a time: my tasks and each
// column of a group's board, read from the database a page and one more row
// at a time (LIMIT n+1, ADR 0056), so a board with thousands of done tasks
// costs the same to show as one with ten.
import { countBoardColumns, listAssignedTasksAfter, listBoardColumn, type AssignedTaskKey } from "../../db/repos/task.repo.ts";
import { notFound } from "../../domain/errors.ts";
import { keysetPage, type KeysetPage } from "../../domain/keyset-page.ts";
import type { TaskStatusDef } from "../../domain/task.rules.ts";
import { requireLocalUserActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import type { GroupAccess } from "../groups/group-access.ts";
import { boardStatuses } from "./task-home.service.ts";
import { readableTasks, toViews, type TaskView } from "./task.service.ts";

/** The cursor of my tasks: "<due day>.<id>", or "none.<id>" past the tasks with a due day. */
function assignedKeyOf(task: { due_date: string | null; id: string }): string {
  return `${task.due_date ?? "none"}.${task.id}`;
}

function parseAssignedKey(raw: string | undefined): AssignedTaskKey | undefined {
  const m = raw === undefined ? null : /^(none|\d{4}-\d{2}-\d{2})\.(\d{19})$/.exec(raw);
  return m ? { due: m[1] === "none" ? null : m[1]!, id: m[2]! } : undefined;
}

/** One page of the tasks assigned to me, soonest due first; a cursor we could not have handed out starts over. */
export async function pageMyTasks(
  ctx: ServiceContext,
  username: string,
  filter: { status?: string | undefined; overdue?: boolean | undefined },
  after: string | undefined,
  size: number,
): Promise<KeysetPage<TaskView>> {
  const user = await requireLocalUserActor(ctx, username);
  const rows = await listAssignedTasksAfter(
    ctx.db,
    user.id,
    { status: filter.status, overdueOn: filter.overdue ? new Date().toISOString().slice(0, 10) : undefined },
    parseAssignedKey(after),
    size + 1,
  );
  // Paged by the rows read, then filtered: a page may show fewer than its size, never skip a row.
  const page = keysetPage(rows, size, assignedKeyOf);
  return { items: await toViews(ctx, await readableTasks(ctx, user.id, page.items)), next: page.next };
}

export interface BoardColumn extends TaskStatusDef {
  /** Tasks in this column in all. */
  total: number;
  tasks: TaskView[];
  /** The id to continue this column after, when there is more. */
  next: string | null;
}

/** The statuses of a group's board, with how many tasks each holds. */
async function columnsOf(ctx: ServiceContext, groupId: string) {
  const [statuses, counts] = await Promise.all([boardStatuses(ctx, groupId), countBoardColumns(ctx.db, groupId)]);
  // A copy may hold statuses the home added that we have not been told of.
  const all: TaskStatusDef[] = [...statuses];
  for (const c of counts) if (!all.some((s) => s.key === c.status)) all.push({ key: c.status, label: c.status_label, closed: c.closed });
  return { all, counts };
}

/** The statuses a task can move to: its board's columns (the task was read through `getTask`, which checked the viewer). */
export async function statusesOfTask(ctx: ServiceContext, task: TaskView): Promise<TaskStatusDef[]> {
  return (await columnsOf(ctx, task.group.id)).all;
}

/**
 * A group's board, for the request that resolved `access`: each status a
 * column, each column one page of its newest tasks. `after` says where a
 * column continues (by status key); the others show their first page, so each
 * column pages on its own. 404 unless the viewer may read the group's content
 * (as `canSeeTasks`).
 */
export async function pageTaskBoardOf(
  ctx: ServiceContext,
  access: GroupAccess,
  after: (status: string) => string | undefined,
  size: number,
): Promise<BoardColumn[]> {
  const { group } = access;
  if (!access.may.content) throw notFound(`No task board for ${access.ref}`);
  const { all, counts } = await columnsOf(ctx, group.actor.id);
  const pages = await Promise.all(
    all.map(async (status) => {
      const total = counts.find((c) => c.status === status.key)?.count ?? 0;
      return { status, total, rows: total === 0 ? [] : await listBoardColumn(ctx.db, group.actor.id, status.key, after(status.key), size + 1) };
    }),
  );
  // One batch of assignees, people and notes for every column.
  const views = new Map(
    (
      await toViews(
        ctx,
        pages.flatMap((p) => p.rows.slice(0, size)),
      )
    ).map((v) => [v.id, v]),
  );
  return pages.map(({ status, total, rows }) => {
    const page = keysetPage(rows, size, (t) => t.id);
    return { ...status, total, tasks: page.items.map((t) => views.get(t.id)!), next: page.next };
  });
}
