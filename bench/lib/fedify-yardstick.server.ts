// The inbox yardstick: a bare Fedify 2.3.8 server with in-memory stores
// (MemoryKvStore, no queue), in a child process of its own like the Ecotone
// instance, receiving the same signed activities on its shared inbox and
// doing nothing with them but count them. Fedify still does everything it
// does for Ecotone before a listener runs: parse, verify the HTTP signature
// (fetching and caching the key), check that the key's owner is the actor
// (its cached, unauthenticated loader: no shared key dispatcher here), and
// record the activity id for idempotence. Ecotone's capacity is reported as a
// ratio to this one's, measured in the same run (bench/scenarios/inbox.ts).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createFederation, MemoryKvStore } from "@fedify/fedify";
import { Create, Person } from "@fedify/vocab";
import { freePort } from "../../test/helpers/instances.ts";

const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
let received = 0;

const federation = createFederation<void>({ kv: new MemoryKvStore(), origin, allowPrivateAddress: true });
federation.setActorDispatcher("/users/{identifier}", (ctx, identifier) =>
  identifier === "y" ? new Person({ id: ctx.getActorUri(identifier), preferredUsername: identifier, inbox: ctx.getInboxUri(identifier) }) : null,
);
federation.setInboxListeners("/users/{identifier}/inbox", "/inbox").on(Create, () => {
  received++;
});

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    ...(body && req.method !== "GET" && req.method !== "HEAD" ? { body } : {}),
  });
}

async function respond(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

const server = createServer((req, res) => {
  toRequest(req)
    .then((request) => federation.fetch(request, { contextData: undefined }))
    .then((response) => respond(res, response))
    .catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
});
await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

process.on("message", (raw) => {
  const { id, op } = raw as { id: number; op: "usage" | "close" };
  if (op === "close") {
    server.closeAllConnections();
    server.close(() => process.exit(0));
    return;
  }
  const cpu = process.cpuUsage();
  process.send!({ id, result: { cpuMs: (cpu.user + cpu.system) / 1000, received } });
});
process.on("disconnect", () => process.exit(0));
process.send!({ started: { origin } });
