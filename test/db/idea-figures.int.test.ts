// The idea figures of a period select ideas by the time they were proposed,
// kept in the idea's own row from its post (migration 0088): whichever way an
// idea is written, it carries its post's time, and it counts in exactly the
// periods that contain that time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { ideaFigures } from "../../src/db/queries/insight-work.queries.ts";
import { createGroup } from "../../src/services/groups/group.service.ts";
import { answerIdea, proposeIdea } from "../../src/services/ideas/idea.service.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { openTestContext } from "../helpers/service-context.ts";

let ctx: ServiceContext;
let handle: DatabaseHandle;
let groupId: string;

beforeAll(async () => {
  ({ ctx, handle } = await openTestContext());
  await createUser(ctx, { username: "alice", password: "correct horse battery staple" });
  groupId = (await createGroup(ctx, "alice", { slug: "ideas", name: "Ideas" })).actor.id;
});

afterAll(async () => {
  await handle.close();
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe("idea figures by the time ideas were proposed", () => {
  it("keep each idea's proposal time from its post, and count it only in periods that hold it", async () => {
    const first = await proposeIdea(ctx, "alice", "ideas", { title: "Dark mode", content: "Please" });
    const second = await proposeIdea(ctx, "alice", "ideas", { title: "CSV export", content: "Please" });
    await answerIdea(ctx, "alice", second.post.id, { status: "planned", reason: "Next quarter" });
    const rows = await ctx.db.selectFrom("ideas").innerJoin("posts", "posts.id", "ideas.post_id").select(["ideas.proposed_at", "posts.published_at"]).execute();
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(new Date(r.proposed_at!).getTime()).toBe(new Date(r.published_at as Date).getTime());

    const today = { from: day(0), to: day(0) };
    for (const scope of [groupId, null]) {
      const figures = await ideaFigures(ctx.db, scope, today);
      expect(figures).toMatchObject({ proposed: 2, byStatus: { open: 1, planned: 1 }, answered: 1 });
      expect(figures.reached.planned).toBe(1);
    }
    // A period that ends yesterday holds neither.
    expect(await ideaFigures(ctx.db, groupId, { from: day(-30), to: day(-1) })).toMatchObject({ proposed: 0, answered: 0, reached: {} });
    // The period is matched against the idea's own proposal time (here moved ten days back).
    await ctx.db
      .updateTable("ideas")
      .set({ proposed_at: new Date(Date.now() - 10 * 86_400_000) })
      .where("post_id", "=", first.post.id)
      .execute();
    expect((await ideaFigures(ctx.db, groupId, { from: day(-11), to: day(-9) })).proposed).toBe(1);
  });

  it("time the answer of an idea from its first status answer, once per idea", async () => {
    const idea = await proposeIdea(ctx, "alice", "ideas", { title: "Single sign-on", content: "Please" });
    await answerIdea(ctx, "alice", idea.post.id, { status: "under_review", reason: "Looking" });
    await answerIdea(ctx, "alice", idea.post.id, { status: "planned", reason: "Next quarter" });
    const { proposed_at } = await ctx.db.selectFrom("ideas").select("proposed_at").where("post_id", "=", idea.post.id).executeTakeFirstOrThrow();
    const history = await ctx.db.selectFrom("idea_status_history").select("id").where("post_id", "=", idea.post.id).orderBy("created_at").execute();
    expect(history).toHaveLength(2);
    // Answered 3 h after it was proposed, then again 8 h after: 3 h counts.
    for (const [i, h] of history.entries()) {
      const at = new Date(new Date(proposed_at!).getTime() + (3 + 5 * i) * 3_600_000).toISOString();
      await sql`update idea_status_history set created_at = ${at}::timestamptz where id = ${h.id}`.execute(ctx.db);
    }
    const figures = await ideaFigures(ctx.db, groupId, { from: day(0), to: day(1) });
    expect(figures.answered).toBe(2);
    expect(figures.reached).toMatchObject({ under_review: 1, planned: 2 });
    // The other answered idea of today (CSV export, planned at once) took ~0 h: the median of 0 and 3.
    expect(figures.medianHoursToAnswer).toBeCloseTo(1.5, 1);
  });
});
