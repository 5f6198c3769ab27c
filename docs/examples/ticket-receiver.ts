// A small webhook receiver that opens a ticket for every question asked in
// an Ecotone support group. It verifies each delivery as the Standard
// Webhooks specification says, ignores a delivery it has already handled
// (retries and replays keep their webhook-id), and answers 2xx only once the
// ticket exists, so Ecotone retries when the ticketing system is down.
//
//   ECOTONE_WEBHOOK_SECRET=whsec_… PORT=4000 node docs/examples/ticket-receiver.ts
//
// Replace `openTicket` with a call to your ticketing system's API. Only
// node:http and node:crypto are used, so this runs on any Node.js ≥ 22.6.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";

export interface Ticket {
  subject: string;
  body: string;
  requester: string;
  link: string;
}

export interface ReceiverOptions {
  secret: string;
  port: number;
  openTicket: (ticket: Ticket) => Promise<void>;
}

/** Standard Webhooks: HMAC-SHA256 over "id.timestamp.body" with the base64 key after "whsec_"; any "v1," entry may match. */
export function verifySignature(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
  const age = Math.abs(Date.now() / 1000 - Number(timestamp));
  if (!Number.isFinite(age) || age > 5 * 60) return false; // a stale (replayed by someone else) request
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  return header.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    const given = Buffer.from(signature ?? "", "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export function startTicketReceiver(options: ReceiverOptions): Promise<Server> {
  const handled = new Set<string>(); // use your database in production
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const id = String(req.headers["webhook-id"] ?? "");
      const timestamp = String(req.headers["webhook-timestamp"] ?? "");
      const signature = String(req.headers["webhook-signature"] ?? "");
      if (!verifySignature(options.secret, id, timestamp, body, signature)) {
        res.writeHead(401).end("bad signature");
        return;
      }
      if (handled.has(id)) {
        res.writeHead(204).end(); // already done: say so, or Ecotone retries
        return;
      }
      const event = JSON.parse(body) as {
        type: string;
        data: { question?: { text: string; url: string | null; uri: string; author: { handle: string } | null } };
      };
      try {
        if (event.type === "question.asked" && event.data.question) {
          const q = event.data.question;
          await options.openTicket({
            subject: q.text.split("\n")[0]!.slice(0, 100),
            body: q.text,
            requester: q.author?.handle ?? "unknown",
            link: q.url ?? q.uri,
          });
        }
        handled.add(id);
        res.writeHead(204).end();
      } catch {
        res.writeHead(503).end("ticketing system unavailable"); // Ecotone will retry
      }
    });
  });
  return new Promise((resolve) => server.listen(options.port, "127.0.0.1", () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const secret = process.env.ECOTONE_WEBHOOK_SECRET;
  if (!secret) throw new Error("Set ECOTONE_WEBHOOK_SECRET to the secret POST /api/ecotone/v1/webhooks answered with");
  const port = Number(process.env.PORT ?? 4000);
  await startTicketReceiver({
    secret,
    port,
    openTicket: async (ticket) => console.log("new ticket", ticket),
  });
  console.log(`listening on http://127.0.0.1:${port}/`);
}
