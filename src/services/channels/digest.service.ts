// Digests: once a day or a week, at the person's hour in their time zone,
// what happened in their groups: the busiest threads, ideas answered, and
// their open tasks due within a week. Only what they may see (canSee); no
// mail when nothing happened. Marked sent in the transaction that writes the
// mail, so two workers never send the same digest.
import { busiestThreads, ideasAnsweredIn, tasksDueFor } from "../../db/queries/digest.queries.ts";
import { listGroupsOfMember } from "../../db/queries/group.queries.ts";
import { findMailRecipient } from "../../db/repos/mail.repo.ts";
import { listDigestSubscribers, markDigestSent } from "../../db/repos/notification-channel.repo.ts";
import { digestDue, digestSince } from "../../domain/digest.rules.ts";
import type { ServiceContext } from "../context.ts";
import { textOfSanitized } from "../html.ts";
import { preferencesUrl, unsubscribeUrl } from "./mail-links.ts";
import type { MailContent } from "./mail-render.ts";
import { queueMail } from "./mail.service.ts";
import { filterVisiblePosts, viewerOf } from "../visibility.service.ts";
import { readableTasks } from "../tasks/task.service.ts";

const titleOf = (p: { title: string | null; content_html: string }) => {
  const text = p.title?.trim() || textOfSanitized(p.content_html).trim();
  return text.length > 80 ? `${text.slice(0, 80)}…` : text || "(no text)";
};

async function digestItems(ctx: ServiceContext, actorId: string, since: Date, now: Date): Promise<NonNullable<MailContent["items"]>> {
  const viewer = viewerOf(actorId);
  const groups = await listGroupsOfMember(ctx.db, actorId);
  const threads = await filterVisiblePosts(ctx, viewer, await busiestThreads(ctx.db, groups, since, 10), (p) => p);
  const ideas = await filterVisiblePosts(ctx, viewer, await ideasAnsweredIn(ctx.db, groups, since, 10), (p) => p);
  const soon = new Date(now.getTime() + 7 * 86_400_000).toISOString().slice(0, 10);
  const tasks = await readableTasks(ctx, actorId, await tasksDueFor(ctx.db, actorId, soon, 10));
  const link = (path: string) => new URL(path, ctx.origin).href;
  return [
    ...threads
      .slice(0, 5)
      .map((t) => ({ heading: `Thread: ${titleOf(t)}`, body: `${t.replies} new ${t.replies === 1 ? "reply" : "replies"}`, link: link(`/p/${t.id}`) })),
    ...ideas.map((i) => ({ heading: `Idea answered: ${titleOf(i)}`, body: `${i.status}${i.reason ? `: ${i.reason}` : ""}`, link: link(`/ideas/${i.id}`) })),
    ...tasks.map((t) => ({ heading: `Task due ${t.due_date}: ${t.title}`, link: link(`/tasks/${t.id}`) })),
  ];
}

/** Sends every digest that is due now; false when none was. */
export async function sendDueDigests(ctx: ServiceContext, now = new Date()): Promise<boolean> {
  let sent = false;
  for (const s of await listDigestSubscribers(ctx.db)) {
    const settings = { frequency: s.frequency, timeZone: s.time_zone, hour: s.hour, lastSentAt: s.last_sent_at };
    if (!digestDue(settings, now)) continue;
    const user = await findMailRecipient(ctx.db, s.actor_id);
    const mailable = Boolean(user?.email && user.email_verified_at && !user.email_bounced_at && !user.suspended_at);
    const items = mailable ? await digestItems(ctx, s.actor_id, digestSince(settings, now), now) : [];
    const unsubscribe = await unsubscribeUrl(ctx, s.actor_id, "digest");
    await ctx.db.transaction().execute(async (trx) => {
      if (!(await markDigestSent(trx, s.actor_id, s.last_sent_at, now))) return;
      if (items.length === 0 || !user?.email) return;
      await queueMail(
        trx,
        {
          to: user.email,
          recipientId: s.actor_id,
          purpose: "digest",
          subject: `Your ${s.frequency} digest from ${ctx.instanceName}`,
          unsubscribeUrl: unsubscribe,
          content: {
            greeting: `Hello ${user.username},`,
            paragraphs: [`What happened in your groups since ${digestSince(settings, now).toUTCString()}:`],
            items,
            footer: { instanceName: ctx.instanceName, preferencesUrl: preferencesUrl(ctx), unsubscribeUrl: unsubscribe },
          },
        },
        ctx.origin,
      );
    });
    sent = true;
  }
  return sent;
}
