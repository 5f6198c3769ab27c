// The admin socket: a Unix socket in the data directory through which the CLI
// runs commands inside the running server (PGlite admits one process). File
// mode 0600: only the account running the server may use it.
import { chmodSync, existsSync, unlinkSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { runCommand } from "./commands.ts";
import type { ServiceContext } from "../services/context.ts";

const MAX_REQUEST_BYTES = 64 * 1024;

export async function startAdminSocket(ctx: ServiceContext, socketPath: string): Promise<{ close(): Promise<void> }> {
  if (existsSync(socketPath)) unlinkSync(socketPath);
  const server = createServer((socket: Socket) => {
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_REQUEST_BYTES) {
        socket.end(JSON.stringify({ ok: false, error: "request too large" }) + "\n");
        return;
      }
      const newline = buffer.indexOf("\n");
      if (newline < 0) return;
      const line = buffer.slice(0, newline);
      void handle(line).then((answer) => socket.end(JSON.stringify(answer) + "\n"));
    });
    socket.on("error", () => {});
  });

  async function handle(line: string) {
    try {
      const request = JSON.parse(line) as { argv?: unknown };
      if (!Array.isArray(request.argv) || !request.argv.every((a) => typeof a === "string")) {
        return { ok: false, error: "bad request: expected {argv: string[]}" };
      }
      ctx.logger.info({ command: request.argv.slice(0, 2).join(" ") }, "admin command via socket");
      return await runCommand(ctx, request.argv as string[]);
    } catch (error) {
      ctx.logger.error({ err: error }, "admin command failed");
      return { ok: false, error: `the server could not run the command: ${(error as Error).message}` };
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  return {
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (existsSync(socketPath)) unlinkSync(socketPath);
    },
  };
}
