// "What matters" in a group: rising ideas, threads drawing several companies,
// customer questions still unanswered, each with its signal score
// (src/domain/signal.rules.ts). For whoever may read the group's content.
import { signalOf, SIGNAL_WINDOW_DAYS, type Signal } from "../../domain/signal.rules.ts";
import { engagementIn, proposerRecords, recentThreads, type SignalThreadRow } from "../../db/queries/signal.queries.ts";
import type { ServiceContext } from "../context.ts";
import { findGroupWithReadableContent } from "../groups/group.service.ts";
import { textOfSanitized } from "../html.ts";

export interface MatteringThread {
  id: string;
  uri: string;
  title: string | null;
  excerpt: string;
  organization: string;
  audience: string;
  publishedAt: Date;
  answered: boolean;
  ideaStatus: string | null;
  signal: Signal;
}

const LIMIT = 10;
const OPEN_IDEA = new Set(["open", "under_review"]);

export async function whatMatters(ctx: ServiceContext, ref: string, viewerId: string | null, now = new Date()) {
  const group = await findGroupWithReadableContent(ctx, ref, viewerId);
  const threads = await recentThreads(ctx.db, group.actor.id, new Date(now.getTime() - SIGNAL_WINDOW_DAYS * 86_400_000));
  const [engagement, records] = await Promise.all([
    engagementIn(
      ctx.db,
      group.actor.id,
      threads.map((t) => t.uri),
    ),
    proposerRecords(ctx.db, group.actor.id, [...new Set(threads.filter((t) => t.idea_status).map((t) => t.author_id))]),
  ]);
  const byThread = new Map<string, typeof engagement>();
  for (const e of engagement) byThread.set(e.thread_uri, [...(byThread.get(e.thread_uri) ?? []), e]);
  const scored = threads.map((t) => toItem(t, byThread.get(t.uri) ?? [], records.get(t.author_id), now));
  const bySignal = (a: MatteringThread, b: MatteringThread) => b.signal.score - a.signal.score || (a.id < b.id ? 1 : -1);
  return {
    risingIdeas: scored
      .filter((t) => t.ideaStatus && OPEN_IDEA.has(t.ideaStatus))
      .sort(bySignal)
      .slice(0, LIMIT),
    multiCompanyThreads: scored
      .filter((t) => t.signal.organizations >= 2)
      .sort(bySignal)
      .slice(0, LIMIT),
    unansweredCustomerQuestions: scored
      // Ideas close their loop by a status answer (the insights' idea figures), not by a reply.
      .filter((t) => !t.answered && t.audience === "customer" && t.ideaStatus === null)
      .sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime())
      .slice(0, LIMIT),
  };
}

function toItem(
  t: SignalThreadRow,
  engaged: Array<{ organization: string; audience: string; liked_at: Date | null }>,
  record: { ideas: number; takenUp: number } | undefined,
  now: Date,
): MatteringThread {
  const signal = signalOf(
    {
      organizations: new Set([t.organization, ...engaged.map((e) => e.organization)]),
      audiences: new Set([t.audience, ...engaged.map((e) => e.audience)]),
      voteTimes: engaged.filter((e) => e.liked_at).map((e) => new Date(e.liked_at!)),
      proposerIdeas: t.idea_status ? (record?.ideas ?? 0) : 0,
      proposerTakenUp: t.idea_status ? (record?.takenUp ?? 0) : 0,
    },
    now,
  );
  return {
    id: t.id,
    uri: t.uri,
    title: t.title,
    excerpt: textOfSanitized(t.content_html).slice(0, 200),
    organization: t.organization,
    audience: t.audience,
    publishedAt: new Date(t.published_at),
    answered: t.first_reply_at !== null,
    ideaStatus: t.idea_status,
    signal,
  };
}
