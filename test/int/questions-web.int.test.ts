// The web interface shows a question's accepted answer under it, labels
// answers official or community, and lets the asker accept one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

const PASSWORD = "correct horse battery staple";
let a: TestInstance;
let olga: TestUser;
let bea: TestUser;

/** Just enough of a browser: cookies, and the CSRF token of the last page. */
class Visitor {
  readonly jar = new Map<string, string>();
  lastPage = "";
  readonly origin: string;
  constructor(origin: string) {
    this.origin = origin;
  }
  #cookie() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  #remember(res: Response) {
    for (const header of res.headers.getSetCookie()) {
      const [name, ...value] = header.split(";")[0]!.split("=");
      this.jar.set(name!, value.join("="));
    }
  }
  async get(path: string): Promise<string> {
    const res = await fetch(new URL(path, this.origin), { headers: { cookie: this.#cookie(), accept: "text/html" }, redirect: "manual" });
    this.#remember(res);
    this.lastPage = await res.text();
    return this.lastPage;
  }
  async post(path: string, fields: Record<string, string>): Promise<Response> {
    const csrf = /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1] ?? "";
    const res = await fetch(new URL(path, this.origin), {
      method: "POST",
      headers: { cookie: this.#cookie(), "content-type": "application/x-www-form-urlencoded", referer: this.origin },
      body: new URLSearchParams({ _csrf: csrf, ...fields }),
      redirect: "manual",
    });
    this.#remember(res);
    return res;
  }
}

beforeAll(async () => {
  a = await startInstance();
  olga = await a.user("olga");
  bea = await a.user("bea");
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "support", name: "Support" });
  await a.api(bea.token, "POST", "/api/ecotone/v1/groups/support/join");
});

afterAll(async () => {
  await a?.close();
});

describe("a question's thread page", () => {
  it("asks from the group page, shows the state, lets the asker accept an answer, then shows it under the question", async () => {
    const v = new Visitor(a.origin);
    await v.get("/sign-in");
    expect((await v.post("/sign-in", { username: "bea", password: PASSWORD, next: "/" })).status).toBe(303);
    await v.get("/g/support");
    expect(v.lastPage).toContain('name="kind" value="question"');
    expect((await v.post("/g/support/posts", { content: "How do I reset my API key?", kind: "question" })).status).toBe(303);
    const listed = (await a.api(bea.token, "GET", "/api/ecotone/v1/groups/support/questions?state=unanswered")).body.items;
    expect(listed.map((q: { post: { sourceText: string } }) => q.post.sourceText)).toEqual(["How do I reset my API key?\n\n#question"]);
    const question = { body: listed[0] };
    const answer = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: question.body.id, content: "Settings → API → Regenerate" });

    let page = await v.get(`/p/${question.body.id}`);
    expect(page).toContain("Answered; no answer accepted yet.");
    expect(page).toContain('<span class="badge">official</span>');
    expect(page).toContain("Accept this answer");

    const accepted = await v.post(`/p/${question.body.id}/accept`, { answer: answer.body.id });
    expect(accepted.status).toBe(303);
    page = await v.get(`/p/${question.body.id}`);
    const block = /<section class="card accepted-answer"[\s\S]*?<\/section>/.exec(page)?.[0] ?? "";
    expect(block).toContain("Settings → API → Regenerate");
    expect(page).not.toContain("Accept this answer");
    // Someone else sees the accepted answer but no button.
    const other = new Visitor(a.origin);
    await other.get("/sign-in");
    await other.post("/sign-in", { username: "olga", password: PASSWORD, next: "/" });
    const theirs = await other.get(`/p/${question.body.id}`);
    expect(theirs).toContain("✅ Accepted answer");
    expect(theirs).not.toContain("Accept this answer");
    // In the group's list, the question's acceptance line links "the answer",
    // not its raw address (the address stays in the link for other servers).
    const groupPage = await other.get("/g/support");
    expect(groupPage).toMatch(/Accepted answer: <a [^>]*href="[^"]+"[^>]*>the answer<\/a>/);
    expect(groupPage).not.toMatch(/Accepted answer: <a [^>]*>https?:/);
  });
});
