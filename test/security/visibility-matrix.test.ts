// Issue 11, class 8: one visibility rule, the same answer at every door.
//
// Viewers: anonymous, an outsider (signed in on A, in no group), a member, the
// groups' owner (a moderator), and a member on another instance (B), who
// reaches A's ActivityPub doors through B's signed fetches. Objects: a public
// post, a members-only post, a secret group with its post, task and media,
// a members-only member list and idea. Doors: the Mastodon API, the Ecotone
// API, the web interface, ActivityPub (objects, actors, collections),
// WebFinger, the plain HTML profile, and media files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../src/services/accounts/browser-session.service.ts";
import { createPost } from "../../src/services/posts/post.service.ts";
import { uploadMedia } from "../../src/services/posts/media.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

type ViewerName = "anonymous" | "outsider" | "member" | "moderator" | "remote member";
const VIEWERS: ViewerName[] = ["anonymous", "outsider", "member", "moderator", "remote member"];
const ALL = new Set<ViewerName>(VIEWERS);
const INSIDERS = new Set<ViewerName>(["member", "moderator", "remote member"]);
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const AP = { accept: "application/activity+json" };

let a: TestInstance;
let b: TestInstance;
const users = {} as Record<"ada" | "max" | "out", TestUser>;
let bob: TestUser;
const cookies = {} as Record<string, string>;
const ids = {} as Record<string, string>;

/** A signed fetch by B's instance actor, as B does for its members. */
async function fromB(url: string): Promise<{ status: number; body: string }> {
  const ctx = b.app.federation.createContext(new URL(b.origin), b.app.ctx);
  const loader = await ctx.getDocumentLoader({ identifier: "__instance__" });
  try {
    return { status: 200, body: JSON.stringify((await loader(url)).document) };
  } catch {
    return { status: 404, body: "" };
  }
}

function token(viewer: ViewerName): string | null {
  if (viewer === "member") return users.max.token;
  if (viewer === "moderator") return users.ada.token;
  if (viewer === "outsider") return users.out.token;
  return null;
}

async function get(url: string, viewer: ViewerName, headers: Record<string, string> = {}) {
  const auth = token(viewer);
  const cookie = viewer === "member" ? cookies.max : viewer === "moderator" ? cookies.ada : viewer === "outsider" ? cookies.out : undefined;
  const res = await fetch(url, {
    headers: { ...headers, ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(cookie ? { cookie } : {}) },
    redirect: "manual",
  });
  return { status: res.status, body: await res.text() };
}

/** A door: does this viewer get the object? `null` when the door is not this viewer's. */
type Door = (viewer: ViewerName) => Promise<boolean | null>;

/** Local viewers through A's own doors; the remote member through B's signed fetch. */
function apiDoor(path: string, marker?: string): Door {
  return async (viewer) => {
    if (viewer === "remote member") return null;
    const res = await get(`${a.origin}${path}`, viewer);
    return res.status === 200 && (marker === undefined || res.body.includes(marker));
  };
}

function webDoor(path: string, marker: string): Door {
  return async (viewer) => {
    if (viewer === "remote member" || viewer === "anonymous") return null; // the web interface needs a sign-in
    const res = await get(`${a.origin}${path}`, viewer, { accept: "text/html" });
    return res.status === 200 && res.body.includes(marker);
  };
}

/** ActivityPub: unsigned for the anonymous, signed by B's instance actor for B's member. */
function apDoor(url: () => string, marker: string): Door {
  return async (viewer) => {
    if (viewer === "anonymous") {
      const res = await get(url(), "anonymous", AP);
      return res.status === 200 && res.body.includes(marker);
    }
    if (viewer === "remote member") {
      const res = await fromB(url());
      return res.status === 200 && res.body.includes(marker);
    }
    return null;
  };
}

async function expectSameAnswer(object: string, doors: Record<string, Door>, expected: Set<ViewerName>) {
  const answers: string[] = [];
  for (const viewer of VIEWERS) {
    for (const [name, door] of Object.entries(doors)) {
      const visible = await door(viewer);
      if (visible === null) continue;
      answers.push(`${object} · ${viewer} · ${name}: ${visible ? "visible" : "hidden"}`);
    }
  }
  const wanted = answers.map((line) => line.replace(/: (visible|hidden)$/, `: ${expected.has(line.split(" · ")[1] as ViewerName) ? "visible" : "hidden"}`));
  expect(answers).toEqual(wanted);
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  for (const name of ["ada", "max", "out"] as const) users[name] = await a.user(name);
  bob = await b.user("bob");
  for (const name of ["ada", "max", "out"] as const) {
    const row = await a.app.ctx.db.selectFrom("users").select("id").where("username", "=", name).executeTakeFirstOrThrow();
    cookies[name] = `ecotone_session=${encodeURIComponent((await createSession(a.app.ctx, row.id)).cookieValue)}`;
  }
  const api = (t: TestUser, method: string, path: string, body?: unknown) => a.api(t.token, method, path, body);
  await api(users.ada, "POST", "/api/ecotone/v1/groups", { slug: "plaza", visibility: "public", joinPolicy: "open" });
  await api(users.ada, "POST", "/api/ecotone/v1/groups", { slug: "vault", visibility: "members_only", joinPolicy: "open" });
  await api(users.ada, "POST", "/api/ecotone/v1/groups", { slug: "den", name: "The Den", visibility: "secret", joinPolicy: "invite" });
  await api(users.ada, "POST", "/api/ecotone/v1/groups/den/invites", { target: users.max.handle });
  await api(users.ada, "POST", "/api/ecotone/v1/groups/den/invites", { target: bob.handle });
  for (const group of ["vault", "den"]) expect((await api(users.max, "POST", `/api/ecotone/v1/groups/${group}/join`)).status).toBeLessThan(300);
  await b.api(bob.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@vault@${a.host}`)}/join`);
  await eventually(async () => {
    const join = await b.api(bob.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@den@${a.host}`)}/join`);
    return join.status < 300;
  });
  await eventually(async () => (await api(users.ada, "GET", "/api/ecotone/v1/groups/den/members")).body.items.length === 3);
  await eventually(async () => (await api(users.ada, "GET", "/api/ecotone/v1/groups/vault/members")).body.items.length === 3);

  ids.plazaPost = (await api(users.ada, "POST", "/api/ecotone/v1/posts", { group: "plaza", content: "PLAZA-WORDS" })).body.id;
  ids.vaultPost = (await api(users.ada, "POST", "/api/ecotone/v1/posts", { group: "vault", content: "VAULT-WORDS" })).body.id;
  const media = await uploadMedia(a.app.ctx, "ada", { bytes: PNG, description: "DEN-PICTURE" });
  ids.media = media.file_name!;
  ids.denPost = (await createPost(a.app.ctx, "ada", { group: "den", content: "DEN-WORDS", mediaIds: [media.id] })).id;
  ids.denTask = (await api(users.ada, "POST", "/api/ecotone/v1/groups/den/tasks", { title: "DEN-TASK" })).body.id;
  ids.vaultIdea = (await api(users.ada, "POST", "/api/ecotone/v1/groups/vault/ideas", { title: "VAULT-IDEA", content: "an idea" })).body.post.id;
  for (const [name, path] of [
    ["den", "/api/ecotone/v1/groups/den"],
    ["vault", "/api/ecotone/v1/groups/vault"],
  ] as const) {
    ids[`${name}Actor`] = (await api(users.ada, "GET", path)).body.id;
  }
  ids.denPostUri = (await api(users.ada, "GET", `/api/ecotone/v1/posts/${ids.denPost}`)).body.uri;
  ids.vaultPostUri = (await api(users.ada, "GET", `/api/ecotone/v1/posts/${ids.vaultPost}`)).body.uri;
  ids.plazaPostUri = (await api(users.ada, "GET", `/api/ecotone/v1/posts/${ids.plazaPost}`)).body.uri;
  ids.denTaskUri = (await api(users.ada, "GET", `/api/ecotone/v1/tasks/${ids.denTask}`)).body.uri;
  ids.maxActor = (await api(users.max, "GET", "/api/v1/accounts/verify_credentials")).body.id;
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

function postDoors(id: () => string, uri: () => string, marker: string): Record<string, Door> {
  return {
    "Mastodon status": async (viewer) => (viewer === "remote member" ? null : apiDoor(`/api/v1/statuses/${id()}`, marker)(viewer)),
    "Mastodon context": async (viewer) => (viewer === "remote member" ? null : apiDoor(`/api/v1/statuses/${id()}/context`)(viewer)),
    "Ecotone post": (viewer) => apiDoor(`/api/ecotone/v1/posts/${id()}`, marker)(viewer),
    "web thread": (viewer) => webDoor(`/p/${id()}`, marker)(viewer),
    "ActivityPub object": apDoor(uri, marker),
  };
}

describe("the same answer at every door", () => {
  it("a public post: everyone", async () => {
    await expectSameAnswer(
      "public post",
      postDoors(
        () => ids.plazaPost!,
        () => ids.plazaPostUri!,
        "PLAZA-WORDS",
      ),
      ALL,
    );
  });

  it("a members-only post: its group's members, here and on other instances", async () => {
    await expectSameAnswer(
      "members-only post",
      postDoors(
        () => ids.vaultPost!,
        () => ids.vaultPostUri!,
        "VAULT-WORDS",
      ),
      INSIDERS,
    );
  });

  it("a secret group's post: its members only", async () => {
    await expectSameAnswer(
      "secret post",
      postDoors(
        () => ids.denPost!,
        () => ids.denPostUri!,
        "DEN-WORDS",
      ),
      INSIDERS,
    );
  });

  it("a secret group itself: not there for outsiders, by id, handle, name or URL", async () => {
    const denUri = `${a.origin}/users/den`;
    await expectSameAnswer(
      "secret group",
      {
        "Mastodon account": apiDoor(`/api/v1/accounts/${ids.denActor}`),
        "Mastodon lookup": apiDoor(`/api/v1/accounts/lookup?acct=den`),
        "Mastodon search": async (viewer) => (viewer === "remote member" ? null : apiDoor(`/api/v2/search?q=${encodeURIComponent(denUri)}`, "The Den")(viewer)),
        "Ecotone group": apiDoor(`/api/ecotone/v1/groups/den`),
        "Ecotone lookup": async (viewer) =>
          viewer === "anonymous" ? null : apiDoor(`/api/ecotone/v1/actors/lookup?handle=${encodeURIComponent(`@den@${a.host}`)}`)(viewer),
        "web group page": webDoor(`/g/den`, "The Den"),
        "ActivityPub actor": apDoor(() => denUri, "The Den"),
        WebFinger: async (viewer) =>
          viewer === "anonymous" ? (await get(`${a.origin}/.well-known/webfinger?resource=acct:den@${a.host}`, viewer)).status === 200 : null,
        "HTML profile": async (viewer) => (viewer === "anonymous" ? (await get(denUri, viewer, { accept: "text/html" })).status === 200 : null),
      },
      INSIDERS,
    );
  });

  it("a members-only member list: members only, and nobody's membership shows in their follow lists", async () => {
    await expectSameAnswer(
      "member list",
      {
        "Mastodon followers": apiDoor(`/api/v1/accounts/${ids.vaultActor}/followers`, users.max.handle.split("@")[1]!),
        "Ecotone members": apiDoor(`/api/ecotone/v1/groups/vault/members`, "max"),
        "web members page": webDoor(`/g/vault/members`, "@max"),
        "ActivityPub followers": apDoor(() => `${a.origin}/users/vault/followers?cursor=first`, users.max.uri),
        "Mastodon following of a member": apiDoor(`/api/v1/accounts/${ids.maxActor}/following`, "vault"),
        "ActivityPub following of a member": apDoor(() => `${a.origin}/users/max/following?cursor=first`, `${a.origin}/users/vault`),
      },
      INSIDERS,
    );
  });

  it("a secret group's task and a members-only idea: members only", async () => {
    await expectSameAnswer(
      "secret task",
      {
        "Ecotone task": apiDoor(`/api/ecotone/v1/tasks/${ids.denTask}`, "DEN-TASK"),
        "web task page": webDoor(`/tasks/${ids.denTask}`, "DEN-TASK"),
        "ForgeFed Ticket": apDoor(() => ids.denTaskUri!, "DEN-TASK"),
      },
      INSIDERS,
    );
    await expectSameAnswer(
      "members-only idea",
      { "Ecotone idea": apiDoor(`/api/ecotone/v1/ideas/${ids.vaultIdea}`, "VAULT-IDEA"), "web idea page": webDoor(`/ideas/${ids.vaultIdea}`, "VAULT-IDEA") },
      INSIDERS,
    );
  });

  it("a secret post's picture: its name is handed out only with the post, and a guessed name is not served", async () => {
    // The capability name appears only where the post does.
    await expectSameAnswer(
      "secret media link",
      { "Mastodon status": apiDoor(`/api/v1/statuses/${ids.denPost}`, ids.media!) },
      new Set(["member", "moderator"]),
    );
    // A name without the capability (as uploads once were) is checked against the post.
    const bare = `${ids.media!.split("-")[0]}.png`;
    await a.app.ctx.db.updateTable("media_attachments").set({ file_name: bare }).where("file_name", "=", ids.media!).execute();
    const { rename } = await import("node:fs/promises");
    const { join } = await import("node:path");
    await rename(join(a.app.ctx.mediaDir!, ids.media!), join(a.app.ctx.mediaDir!, bare));
    await expectSameAnswer(
      "secret media file",
      { "media file": async (viewer) => (viewer === "remote member" ? null : (await get(`${a.origin}/media/${bare}`, viewer)).status === 200) },
      INSIDERS,
    );
  });
});
