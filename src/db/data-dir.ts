// The data directory holds the embedded database (private keys, password
// hashes, every post), uploaded media and the admin socket: only the
// account the server runs as may read it. PGlite creates its files 0666 and
// its directories 0777 (less the umask), so main.ts sets umask 077 before
// anything is created, and every start also tightens what an older release
// or a careless copy left behind.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and `subdirs` in it) if needed and makes it and everything below it private to this user. */
export function makeDataDirPrivate(dir: string, subdirs: string[] = []): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const sub of subdirs) mkdirSync(join(dir, sub), { recursive: true, mode: PRIVATE_DIR_MODE });
  restrict(dir);
}

function restrict(path: string): void {
  const stat = lstatSync(path);
  // A symlink is followed by chmod: leave whatever it points at alone.
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(path, PRIVATE_DIR_MODE);
    for (const entry of readdirSync(path)) restrict(join(path, entry));
  } else if ((stat.mode & 0o077) !== 0) {
    chmodSync(path, PRIVATE_FILE_MODE);
  }
}
