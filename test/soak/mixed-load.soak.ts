// A bounded soak: two instances on loopback, a group spanning both, and a few
// minutes of mixed traffic (posts, replies, likes, tasks, votes, timelines,
// the Mastodon API). Passes when no request fails and memory stays flat.
// SOAK_SECONDS sets the length (default 120).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const WORKERS = 4;

let a: TestInstance;
let b: TestInstance;
let ana: TestUser;
let ben: TestUser;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  ana = await a.user("ana");
  ben = await b.user("ben");
  await a.api(ana.token, "POST", "/api/ecotone/v1/groups", { slug: "soak", name: "Soak" });
  const ref = encodeURIComponent(`@soak@${a.host}`);
  await b.api(ben.token, "POST", `/api/ecotone/v1/groups/${ref}/join`);
  await eventually(async () => (await b.api(ben.token, "GET", `/api/ecotone/v1/groups/${ref}`)).body.membership?.state === "accepted");
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("a few minutes of mixed load", () => {
  it(`serves ${SECONDS} s of mixed traffic without a failed request, and memory stays flat`, async () => {
    const ref = encodeURIComponent(`@soak@${a.host}`);
    const failures: string[] = [];
    const counts = new Map<string, number>();
    const check = (what: string, res: { status: number; body: unknown }, ok = (s: number) => s < 400) => {
      counts.set(what, (counts.get(what) ?? 0) + 1);
      if (!ok(res.status)) failures.push(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      return res;
    };
    const deadline = Date.now() + SECONDS * 1000;
    const samples: Array<{ at: number; heap: number; rss: number }> = [];
    const sampler = setInterval(() => {
      gc();
      const m = process.memoryUsage();
      samples.push({ at: Date.now(), heap: m.heapUsed, rss: m.rss });
    }, 5_000);

    const worker = async (n: number) => {
      for (let i = 0; Date.now() < deadline; i++) {
        const onA = n % 2 === 0;
        const [inst, user] = onA ? [a, ana] : [b, ben];
        const group = onA ? "soak" : ref; // in paths
        const groupHandle = onA ? "soak" : `@soak@${a.host}`; // in bodies
        const post = check(
          "post",
          await inst.api(user.token, "POST", "/api/ecotone/v1/posts", { group: groupHandle, content: `worker ${n} message ${i} #soak` }),
        );
        const id = (post.body as { id?: string }).id;
        if (id) {
          check("reply", await inst.api(user.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: id, content: `reply ${i}` }));
          check("like", await inst.api(user.token, "POST", `/api/ecotone/v1/posts/${id}/like`));
          check("status", await inst.api(user.token, "GET", `/api/v1/statuses/${id}`));
        }
        check("home", await inst.api(user.token, "GET", "/api/v1/timelines/home?limit=20"));
        check("group timeline", await inst.api(user.token, "GET", `/api/ecotone/v1/groups/${group}/posts`));
        check("notifications", await inst.api(user.token, "GET", "/api/v1/notifications?limit=20"));
        if (i % 5 === 0) {
          const task = check("task", await inst.api(user.token, "POST", `/api/ecotone/v1/groups/${group}/tasks`, { title: `Task ${n}.${i}` }));
          const taskId = (task.body as { id?: string }).id;
          if (taskId) check("assign", await inst.api(user.token, "POST", `/api/ecotone/v1/tasks/${taskId}/assignees`, { assignee: user.handle }));
          check("my tasks", await inst.api(user.token, "GET", "/api/ecotone/v1/me/tasks"));
        }
        if (i % 10 === 0) {
          const idea = check(
            "idea",
            await inst.api(user.token, "POST", `/api/ecotone/v1/groups/${group}/ideas`, { title: `Idea ${n}.${i}`, content: "Why not?" }),
          );
          const ideaId = (idea.body as { post?: { id?: string } }).post?.id;
          if (ideaId) check("vote", await inst.api(user.token, "POST", `/api/ecotone/v1/ideas/${ideaId}/vote`));
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, n) => worker(n)));
    clearInterval(sampler);

    const total = [...counts.values()].reduce((x, y) => x + y, 0);
    // Memory: the last third of the run against the first third (after warm-up).
    const third = Math.max(1, Math.floor(samples.length / 3));
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    const early = mean(samples.slice(0, third).map((s) => s.heap));
    const late = mean(samples.slice(-third).map((s) => s.heap));
    const report = {
      seconds: SECONDS,
      requests: total,
      requestsPerSecond: Math.round(total / SECONDS),
      failures: failures.length,
      heapEarlyMiB: Math.round(early / 1_048_576),
      heapLateMiB: Math.round(late / 1_048_576),
      rssLastMiB: Math.round((samples.at(-1)?.rss ?? 0) / 1_048_576),
    };
    console.log("soak:", JSON.stringify(report), JSON.stringify(Object.fromEntries(counts)));
    expect(failures.slice(0, 10)).toEqual([]);
    expect(total).toBeGreaterThan(SECONDS); // it really ran
    // Flat: the data grows (every post is kept), so allow modest growth, not a leak's slope.
    expect(late).toBeLessThan(early * 1.5 + 32 * 1_048_576);
  });
});
