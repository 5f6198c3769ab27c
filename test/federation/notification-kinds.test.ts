// Between two real instances: the group "works" lives on Acme; Bob on Globex
// is a member with a verified address. Being given a task, the task coming
// due, an idea of his being answered and his answer being accepted each reach
// his inbox once, as that kind of mail (so its own preference switch applies),
// and taking a task himself mails him nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startSmtpSink, type ReceivedMail, type SmtpSink } from "../helpers/smtp-sink.ts";
import { confirmEmailAddress } from "../helpers/mail-address.ts";

let smtp: SmtpSink;
let acme: TestInstance;
let globex: TestInstance;
let olga: TestUser; // owner of the group, on Acme
let bob: TestUser; // member, on Globex
const BOB = "bob@globex.test";
const group = () => encodeURIComponent(`@works@${acme.host}`);
const today = () => new Date().toISOString().slice(0, 10);

/** Bob's mails whose subject contains `text`, once everything due on Globex went out. */
async function mailsAbout(text: string): Promise<ReceivedMail[]> {
  await globex.app.channels.drain();
  return smtp.to(BOB).filter((m) => m.subject.includes(text));
}

async function postOnGlobex(uri: string): Promise<string> {
  return eventually(async () => {
    const listed = await globex.api(bob.token, "GET", `/api/ecotone/v1/groups/${group()}/posts`);
    const id = listed.body.items?.find((p: { uri: string }) => p.uri === uri)?.id as string | undefined;
    if (!id) throw new Error(`${uri} not on Globex yet`);
    return id;
  }, 30_000);
}

async function settled(res: { status: number; body: { change: { id: string } } }) {
  expect(res.status).toBe(202);
  return eventually(async () => {
    const now = await globex.api(bob.token, "GET", `/api/ecotone/v1/task-changes/${res.body.change.id}`);
    return now.body.change?.state === "accepted" ? now.body.change : undefined;
  }, 30_000);
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  acme = await startInstance();
  globex = await startInstance({ smtpUrl: smtp.url, mailBatchMs: 200 });
  olga = await acme.user("olga");
  bob = await globex.user("bob");
  expect((await acme.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "works", name: "Works" })).status).toBe(201);
  await globex.api(bob.token, "POST", `/api/ecotone/v1/groups/${group()}/join`);
  await eventually(async () => (await globex.api(bob.token, "GET", `/api/ecotone/v1/groups/${group()}`)).body.membership?.state === "accepted", 30_000);
  await confirmEmailAddress(globex, bob, BOB, smtp);
}, 120_000);

afterAll(async () => {
  await Promise.all([acme?.close(), globex?.close()]);
  await smtp?.close();
});

describe("every kind of notification mail between instances", () => {
  it("mails an assignment once, and once more when the task comes due", async () => {
    const created = await acme.api(olga.token, "POST", `/api/ecotone/v1/groups/${group()}/tasks`, {
      title: "Count the pallets",
      priority: "normal",
      due: today(),
    });
    expect(created.status).toBe(201);
    const assigned = await acme.api(olga.token, "POST", `/api/ecotone/v1/tasks/${created.body.id}/assignees`, { assignee: bob.handle });
    expect(assigned.status).toBe(200);

    const assignment = await eventually(async () => (await mailsAbout("A task is assigned to you"))[0], 30_000);
    expect(assignment!.subject).toContain("Count the pallets");
    expect(assignment!.text).toContain(globex.origin);
    // Not due yet for him: he has not taken it.
    expect(await mailsAbout("is due")).toHaveLength(0);

    const mine = await eventually(async () => {
      const res = await globex.api(bob.token, "GET", "/api/ecotone/v1/me/tasks");
      return res.body.items?.find((t: { title: string }) => t.title === "Count the pallets");
    }, 30_000);
    await settled(await globex.api(bob.token, "POST", `/api/ecotone/v1/tasks/${mine.id}/assignment/accept`));

    const due = await eventually(async () => (await mailsAbout("A task of yours is due"))[0], 30_000);
    expect(due!.subject).toContain("Count the pallets");
    expect(await mailsAbout("A task is assigned to you")).toHaveLength(1);
    expect(await mailsAbout("A task of yours is due")).toHaveLength(1);
    // In the app too, once.
    const notes = await globex.api(bob.token, "GET", "/api/v1/notifications");
    expect(notes.body.filter((n: { type: string }) => n.type === "task_due")).toHaveLength(1);
  });

  it("mails nothing for a task he takes himself", async () => {
    const created = await acme.api(olga.token, "POST", `/api/ecotone/v1/groups/${group()}/tasks`, { title: "Sweep the yard", priority: "normal" });
    expect(created.status).toBe(201);
    const copy = await eventually(async () => {
      const res = await globex.api(bob.token, "GET", `/api/ecotone/v1/tasks/${encodeURIComponent(created.body.uri)}`);
      return res.status === 200 ? res.body : undefined;
    }, 30_000);
    await settled(await globex.api(bob.token, "POST", `/api/ecotone/v1/tasks/${copy.id}/assignees`, { assignee: bob.handle }));
    // The group's note naming him arrives (a mention in the app) …
    await eventually(async () => {
      const notes = await globex.api(bob.token, "GET", "/api/v1/notifications?types[]=mention");
      return notes.body.some((n: { status?: { content: string } }) => n.status?.content.includes("Sweep the yard"));
    }, 30_000);
    // … but no mail tells him of his own action.
    expect(smtp.to(BOB).filter((m) => m.subject.includes("Sweep the yard") || m.text.includes("Sweep the yard"))).toHaveLength(0);
    expect(await mailsAbout("Sweep the yard")).toHaveLength(0);
  });

  it("mails the answer to his idea once", async () => {
    const idea = await globex.api(bob.token, "POST", `/api/ecotone/v1/groups/${group()}/ideas`, {
      title: "Night shift coffee",
      content: "A machine in hall 2",
    });
    expect(idea.status).toBe(201);
    const onAcme = await eventually(async () => {
      const board = await acme.api(olga.token, "GET", `/api/ecotone/v1/groups/${group()}/ideas`);
      return board.body.items?.find((i: { uri?: string; title?: string }) => i.title === "Night shift coffee");
    }, 30_000);
    expect((await acme.api(olga.token, "POST", `/api/ecotone/v1/ideas/${onAcme.id}/status`, { status: "planned", reason: "Budget approved" })).status).toBe(
      200,
    );

    const mail = await eventually(async () => (await mailsAbout("An idea of yours is answered"))[0], 30_000);
    expect(mail!.subject).toContain("Night shift coffee");
    expect(mail!.text).toContain("Budget approved");
    expect(await mailsAbout("An idea of yours is answered")).toHaveLength(1);
    expect(await mailsAbout("mentioned you")).toHaveLength(0);
  });

  it("mails him once when his answer is accepted", async () => {
    const question = await acme.api(olga.token, "POST", "/api/ecotone/v1/posts", { kind: "question", group: "works", content: "Where is the forklift key?" });
    expect(question.status).toBe(201);
    const answer = await globex.api(bob.token, "POST", "/api/ecotone/v1/posts", {
      inReplyTo: await postOnGlobex(question.body.uri),
      content: "In the red box",
    });
    expect(answer.status).toBe(201);
    await eventually(
      async () => (await acme.api(olga.token, "POST", `/api/ecotone/v1/posts/${question.body.id}/accept`, { answer: answer.body.uri })).status === 200,
      30_000,
    );

    const mail = await eventually(async () => (await mailsAbout("Your answer is accepted"))[0], 30_000);
    expect(mail!.subject).toContain("Where is the forklift key?");
    expect(mail!.text).toContain("In the red box");
    expect(await mailsAbout("Your answer is accepted")).toHaveLength(1);
  });
});
