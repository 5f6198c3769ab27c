// Finding 43: while an organization was only invited to a shared room (not yet
// accepted), the room's posts stayed home but its tasks (title, description,
// assignees, status) were delivered to that organization's instance, which
// stored and showed them. Task activities now go to the recipients a post
// would (`followerRecipients` in src/federation/recipients.ts, used by
// src/federation/outbox/task.outbox.ts). Two real instances.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRole } from "../../src/services/accounts/user.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let acme: TestInstance;
let globex: TestInstance;
let owner: TestUser;
let globexAdmin: TestUser;
let gina: TestUser;
const SCOPES = "read write follow admin:read admin:write";
const team = () => encodeURIComponent(`@team@${acme.host}`);

async function taskOnGlobex(title: string) {
  return globex.app.ctx.db.selectFrom("tasks").select("title").where("title", "=", title).executeTakeFirst();
}

beforeAll(async () => {
  [acme, globex] = (await startInstances(2)) as [TestInstance, TestInstance];
  owner = await acme.user("owner", { scopes: SCOPES });
  globexAdmin = await globex.user("globexadmin", { scopes: SCOPES });
  await setRole(globex.app.ctx, "globexadmin", "admin");
  gina = await globex.user("gina");
  expect((await acme.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "team", visibility: "members_only", joinPolicy: "open" })).status).toBe(201);
  await globex.api(gina.token, "POST", `/api/ecotone/v1/groups/${team()}/join`);
  await eventually(async () => (await globex.api(gina.token, "GET", `/api/ecotone/v1/groups/${team()}`)).body.membership?.state === "accepted");
}, 240_000);

afterAll(async () => {
  await Promise.all([acme?.close(), globex?.close()]);
});

describe("finding 43: a shared room's tasks reach only the organizations it admits", () => {
  it("control: before the room, a group's task reaches its members' instance", async () => {
    expect((await acme.api(owner.token, "POST", "/api/ecotone/v1/groups/team/tasks", { title: "BEFORE-ROOM-TASK" })).status).toBeLessThan(300);
    expect(await eventually(() => taskOnGlobex("BEFORE-ROOM-TASK"))).toBeDefined();
  }, 60_000);

  it("an invited, not yet accepted organization gets no task; once it accepts, it gets the next", async () => {
    expect((await acme.api(owner.token, "POST", "/api/ecotone/v1/groups/team/shared-room/organizations", { domain: globex.host })).status).toBe(202);
    const hidden = await acme.api(owner.token, "POST", "/api/ecotone/v1/groups/team/tasks", {
      title: "UNADMITTED-TASK",
      description: "UNADMITTED-DESCRIPTION",
    });
    expect(hidden.status).toBeLessThan(300);

    // Globex accepts; the room admits it; the next task is delivered (after the first would have been).
    const invitation = await eventually(async () => (await globex.api(globexAdmin.token, "GET", "/api/ecotone/v1/admin/shared-rooms")).body.invitations?.[0]);
    expect((await globex.api(globexAdmin.token, "POST", `/api/ecotone/v1/admin/shared-rooms/invitations/${invitation.id}/accept`)).status).toBe(200);
    await eventually(async () => {
      const rooms = await acme.api(owner.token, "GET", `/api/ecotone/v1/groups/team/shared-room`);
      return JSON.stringify(rooms.body).includes('"accepted"');
    });
    expect((await acme.api(owner.token, "POST", "/api/ecotone/v1/groups/team/tasks", { title: "ADMITTED-TASK" })).status).toBeLessThan(300);
    expect(await eventually(() => taskOnGlobex("ADMITTED-TASK"))).toBeDefined();
    expect(await taskOnGlobex("UNADMITTED-TASK")).toBeUndefined();
  }, 90_000);
});
