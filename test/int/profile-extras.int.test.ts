// The settings page's pictures-and-fields form: a member uploads an avatar
// and sets profile fields; a non-image or a fifth field is refused with a
// message and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";

const PASSWORD = "correct horse battery staple";
let a: TestInstance;
const jar = new Map<string, string>();
let page = "";

function remember(res: Response) {
  for (const header of res.headers.getSetCookie()) {
    const [name, ...value] = header.split(";")[0]!.split("=");
    if (/Max-Age=0/.test(header)) jar.delete(name!);
    else jar.set(name!, value.join("="));
  }
}

const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

async function get(path: string): Promise<string> {
  const res = await fetch(new URL(path, a.origin), { headers: { cookie: cookieHeader(), accept: "text/html" }, redirect: "manual" });
  remember(res);
  page = await res.text();
  return page;
}

const csrf = () => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";

async function submit(form: FormData): Promise<string> {
  form.set("_csrf", csrf());
  const res = await fetch(new URL("/settings/profile-extras", a.origin), {
    method: "POST",
    headers: { cookie: cookieHeader(), referer: `${a.origin}/settings` },
    body: form,
    redirect: "manual",
  });
  remember(res);
  expect(res.status).toBe(303);
  const next = await get(res.headers.get("location") ?? "/settings");
  return /<div id="status"[^>]*>([^<]*)</.exec(next)?.[1] ?? "";
}

function png(): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(32);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
  return bytes;
}

beforeAll(async () => {
  a = await startInstance();
  await createUser(a.app.ctx, { username: "mia", password: PASSWORD });
  await get("/sign-in");
  const res = await fetch(new URL("/sign-in", a.origin), {
    method: "POST",
    headers: { cookie: cookieHeader(), "content-type": "application/x-www-form-urlencoded", referer: a.origin },
    body: new URLSearchParams({ _csrf: csrf(), username: "mia", password: PASSWORD, next: "/" }),
    redirect: "manual",
  });
  remember(res);
  await get("/settings");
});

afterAll(async () => {
  await a?.close();
});

const actorRow = () => a.app.ctx.db.selectFrom("actors").selectAll().where("username", "=", "mia").where("is_local", "=", true).executeTakeFirstOrThrow();

describe("pictures and profile fields in the web settings", () => {
  it("saves an avatar and fields, and shows them on the form again", async () => {
    expect(page).toContain('action="/settings/profile-extras"');
    const form = new FormData();
    form.set("avatar", new Blob([png()], { type: "image/png" }), "me.png");
    form.set("fieldName0", "Team");
    form.set("fieldValue0", "Purchasing");
    expect(await submit(form)).toBe("Pictures and fields saved.");
    const row = await actorRow();
    expect(row.icon_url).toMatch(/\/media\/[\w-]+\.png$/);
    expect(row.fields).toEqual([{ name: "Team", value: "Purchasing" }]);
    await get("/settings");
    expect(page).toContain('value="Purchasing"');
  });

  it("refuses a file that is not an image, says so, and keeps the profile", async () => {
    const before = await actorRow();
    const form = new FormData();
    form.set("avatar", new Blob([new TextEncoder().encode("<html>not an image</html>")], { type: "image/png" }), "x.png");
    form.set("fieldName0", "Changed");
    form.set("fieldValue0", "Should not stick");
    expect(await submit(form)).toContain("Only image/png, image/jpeg, image/gif, image/webp images can be uploaded");
    const after = await actorRow();
    expect(after.icon_url).toBe(before.icon_url);
    expect(after.fields).toEqual(before.fields);
  });
});
