// A node:http server on a loopback port that hands each request to a
// fetch-style handler (Request in, Response out), as Fedify's `fetch` is.
// `intercept` may answer first (a test peer's own quirks); null passes on.
import { createServer, type IncomingMessage, type Server } from "node:http";

type Handler = (request: Request) => Promise<Response>;
type Intercept = (request: Request, body: Buffer) => Promise<Response | null>;

async function toRequest(req: IncomingMessage, origin: string): Promise<{ request: Request; body: Buffer }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const method = req.method ?? "GET";
  const request = new Request(new URL(req.url ?? "/", origin), { method, headers, ...(method === "GET" || method === "HEAD" ? {} : { body }) });
  return { request, body };
}

export async function serveOnLoopback(port: number, origin: string, intercept: Intercept, handler: Handler): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      const { request, body } = await toRequest(req, origin);
      const response = (await intercept(request.clone(), body)) ?? (await handler(request));
      const headers: Record<string, string> = {};
      response.headers.forEach((v, k) => (headers[k] = v));
      res.writeHead(response.status, headers).end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}
