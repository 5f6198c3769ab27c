// Work a request asks for starts once its answer is out
// (src/http/after-response.ts): a post to a big group answers before the
// outbox processor starts reading every member's inbox.
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { afterResponse, registerAfterResponse } from "../../src/http/after-response.ts";

let opened: FastifyInstance | null = null;

function server(): FastifyInstance {
  opened = Fastify();
  registerAfterResponse(opened);
  return opened;
}

afterEach(async () => {
  await opened?.close();
  opened = null;
});

describe("afterResponse", () => {
  it("runs asked-for work once, after the response is sent, even when asked for twice", async () => {
    const app = server();
    const seen: string[] = [];
    const wake = () => seen.push("wake");
    app.post("/posts", async (_request, reply) => {
      await new Promise((resolve) => setImmediate(resolve));
      afterResponse(wake);
      afterResponse(wake);
      seen.push("handler done");
      return reply.code(201).send({ ok: true });
    });
    const res = await app.inject({ method: "POST", url: "/posts" });
    expect(res.statusCode).toBe(201);
    expect(seen).toEqual(["handler done", "wake"]);
  });

  it("runs the work when the request fails, and at once outside any request", async () => {
    const app = server();
    const seen: string[] = [];
    app.post("/fails", async () => {
      afterResponse(() => seen.push("wake"));
      throw new Error("after the commit, the read-back failed");
    });
    expect((await app.inject({ method: "POST", url: "/fails" })).statusCode).toBe(500);
    expect(seen).toEqual(["wake"]);
    afterResponse(() => seen.push("no request"));
    expect(seen).toEqual(["wake", "no request"]);
  });

  it("runs work asked for after the response at once (work the request left running)", async () => {
    const app = server();
    const seen: string[] = [];
    let later: Promise<void> = Promise.resolve();
    app.get("/", async () => {
      later = new Promise<void>((resolve) =>
        setTimeout(() => {
          afterResponse(() => seen.push("late wake"));
          resolve();
        }, 50),
      );
      return { ok: true };
    });
    await app.inject({ method: "GET", url: "/" });
    await later;
    expect(seen).toEqual(["late wake"]);
  });
});
