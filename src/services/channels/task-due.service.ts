// The due check: a step of the channel worker. Every local assignee of an open
// task hears once, on the due date in their own time zone, that it is due: a
// "task_due" notification through the one notification service, so mail and
// push follow. Each instance tells its own people from its own copy of the
// task (copies carry the due date and the assignees), so nothing has to cross
// instances and a hostile peer cannot make us tell anyone anything but what
// its task copy says. The notice row and the notification are written in one
// transaction: a crash or a second worker never tells anyone twice.
import { dueCandidates, recordDueNotice } from "../../db/queries/task-due.queries.ts";
import { earliestDueDateToCheck, isDueFor, latestDueDateToCheck } from "../../domain/task-due.rules.ts";
import type { ServiceContext } from "../context.ts";
import { notify } from "../notification.service.ts";

const BATCH = 200;

/** Tells everyone whose task came due; false when nobody was told. */
export async function notifyDueTasks(ctx: ServiceContext, now = new Date()): Promise<boolean> {
  let told = false;
  for (const c of await dueCandidates(ctx.db, earliestDueDateToCheck(now), latestDueDateToCheck(now), BATCH)) {
    if (!isDueFor(c.due_date, c.time_zone, now)) continue;
    await ctx.db.transaction().execute(async (trx) => {
      if (!(await recordDueNotice(trx, { taskId: c.task_id, actorId: c.actor_id, dueDate: c.due_date }))) return;
      // From the group: nobody's own action, so it reaches every assignee.
      await notify(trx, { recipientId: c.actor_id, type: "task_due", fromId: c.group_id, postId: c.note_post_id });
      told = true;
    });
  }
  return told;
}
