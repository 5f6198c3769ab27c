// A report filed here goes, as a Flag from the instance actor (so the
// reporter stays anonymous to the reported), to the reported account's
// instance and to the instance of the group the posts live in.
import type { Context } from "@fedify/fedify";
import { Flag } from "@fedify/vocab";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { ActorRow } from "../../db/schema.ts";
import { INSTANCE_ACTOR_IDENTIFIER } from "../../domain/uris.ts";
import { getReportForDelivery } from "../../services/posts/report.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { allowedRecipients } from "../recipients.ts";

export async function sendReport(ctx: Context<ServiceContext>, reportId: string, activityId: URL): Promise<void> {
  const report = await getReportForDelivery(ctx.data, reportId);
  if (!report) return;
  const recipients: ActorRow[] = [];
  if (report.target) recipients.push(report.target);
  if (report.groupId) {
    const group = await findActorById(ctx.data.db, report.groupId);
    if (group) recipients.push(group);
  }
  const remote = await allowedRecipients(ctx.data, recipients);
  if (remote.length === 0) return;
  const flag = new Flag({
    id: activityId,
    actor: ctx.getActorUri(INSTANCE_ACTOR_IDENTIFIER),
    objects: [...(report.target ? [new URL(report.target.uri)] : []), ...report.postUris.map((u) => new URL(u))],
    content: report.comment,
  });
  // One Flag per instance: the shared inbox when there is one.
  const seen = new Set<string>();
  for (const actor of remote) {
    const key = actor.shared_inbox_url ?? actor.inbox_url ?? actor.uri;
    if (seen.has(key)) continue;
    seen.add(key);
    await ctx.sendActivity({ identifier: INSTANCE_ACTOR_IDENTIFIER }, toRecipient(actor), flag, { preferSharedInbox: true });
  }
}
