// The CLI's side of the admin socket.
import { existsSync, unlinkSync } from "node:fs";
import { connect } from "node:net";
import type { CommandResult } from "./commands.ts";

/** Sends argv to a running server; null when no server answers on the socket. */
export async function runThroughSocket(socketPath: string, argv: string[]): Promise<CommandResult | null> {
  if (!existsSync(socketPath)) return null;
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(JSON.stringify({ argv }) + "\n"));
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("end", () => {
      try {
        resolve(JSON.parse(answer) as CommandResult);
      } catch {
        reject(new Error("The server sent an unreadable answer on the admin socket"));
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED" || error.code === "ENOENT") {
        // A stale socket from a server that died: remove it, open the database.
        try {
          unlinkSync(socketPath);
        } catch {
          // already gone
        }
        resolve(null);
      } else {
        reject(error);
      }
    });
  });
}
