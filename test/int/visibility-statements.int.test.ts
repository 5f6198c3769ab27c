// How many statements the one visibility rule's facts cost for a batch of
// groups (issue 14): one for a person (groups, follow, role, ban, invitation,
// domain, in viewer-facts.queries.ts), one for nobody, two for an instance
// (the groups, and whether its people are members or invited) — the same for
// 3 groups as for 12. The answers are the rule's, so they are checked too: a
// secret group is hidden from an outsider and shown to its owner.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup } from "../../src/services/groups/group.service.ts";
import { captureStatements } from "../../src/db/statement-capture.ts";
import { groupAnswers, type Viewer } from "../../src/services/visibility.service.ts";
import type { ServiceContext } from "../../src/services/context.ts";

let a: TestInstance;
const ids: string[] = [];
const people: Record<string, string> = {};

beforeAll(async () => {
  a = await startInstance();
  for (const username of ["olga", "out"]) people[username] = (await createUser(a.app.ctx, { username })).actorId;
  for (let i = 0; i < 12; i++) {
    const visibility = (["public", "members_only", "secret"] as const)[i % 3]!;
    await createGroup(a.app.ctx, "olga", { slug: `g${i}`, name: `Group ${i}`, visibility, joinPolicy: "open" });
  }
  const rows = await a.app.ctx.db.selectFrom("actors").select("id").where("type", "=", "Group").orderBy("id").execute();
  ids.push(...rows.map((r) => r.id));
});

afterAll(async () => {
  await a?.close();
});

/** The rule's answers for these groups, and how many statements reading their facts took. */
async function answersCounted(viewer: Viewer, groupIds: string[]) {
  // Every query built, sub-selects included: "1 statement" means one query with no sub-select.
  const { plugin, statements } = captureStatements(a.app.ctx.db, { everyQueryBuilt: true });
  const ctx = { ...a.app.ctx, db: a.app.ctx.db.withPlugin(plugin) } as ServiceContext;
  const answers = await groupAnswers(ctx, viewer, groupIds);
  return { statements: statements.length, shown: [...answers.values()].filter((x) => x.group).length };
}

describe("the visibility rule's facts for a batch of groups", () => {
  it("cost the same few statements for 3 groups as for 12, for each kind of viewer", async () => {
    const viewers: Array<[string, Viewer, number]> = [
      ["a person", { kind: "actor", actorId: people.out! }, 1],
      ["nobody", { kind: "anonymous" }, 1],
      ["an instance", { kind: "instance", host: "peer.example" }, 2],
    ];
    for (const [who, viewer, expected] of viewers) {
      const few = await answersCounted(viewer, ids.slice(0, 3));
      const many = await answersCounted(viewer, ids);
      expect([few.statements, many.statements], who).toEqual([expected, expected]);
      // The secret ones (every third) are not there for an outsider.
      expect([few.shown, many.shown], who).toEqual([2, 8]);
    }
  });

  it("shows the owner every group, secret ones included (control)", async () => {
    const owner = await answersCounted({ kind: "actor", actorId: people.olga! }, ids);
    expect(owner).toEqual({ statements: 1, shown: 12 });
  });
});
