// The first admin's password, shown once, to a person and never to the log
// stream. When stdout is a terminal, a person is reading it: the password is
// printed there. Otherwise stdout is a log pipe (Docker, systemd, a process
// manager) whose lines are kept, shipped and searched, so the password goes
// into a file only this account can read, and stdout names the file. The
// pino log gets neither. See docs/adr/0020-first-admin-password-off-the-log-stream.md.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const FIRST_ADMIN_PASSWORD_FILE = "admin-password.txt";

export interface FirstAdminNotice {
  /** Lines for stdout (never the password unless stdout is a terminal). */
  lines: string[];
  /** The file holding the password, when it was not shown on the terminal. */
  file: string | null;
}

export function deliverFirstAdminPassword(
  admin: { username: string; password: string },
  options: { dataDir: string; origin: URL; toTerminal: boolean },
): FirstAdminNotice {
  const origin = options.origin.origin;
  let where: string;
  let file: string | null = null;
  if (options.toTerminal) {
    where = `password "${admin.password}"`;
  } else {
    file = join(options.dataDir, FIRST_ADMIN_PASSWORD_FILE);
    // A leftover from an earlier, wiped database is replaced, never appended to.
    rmSync(file, { force: true });
    writeFileSync(file, `${admin.password}\n`, { mode: 0o600, flag: "wx" });
    where = `its password is in ${file} (readable by this account only; delete the file once you have signed in)`;
  }
  const lines = [
    "",
    "  Welcome to Ecotone.",
    `  An admin account was created: username "${admin.username}", ${where}`,
    "  Keep the password somewhere safe; it is not shown again.",
    `  Sign in at ${origin}/ in a browser, or from a Mastodon app (Elk, Phanpy, Tusky…): server ${options.origin.host}, then that username and password.`,
    `  Or mint an API token: npx ecotone token create ${admin.username} --scopes "read write follow"`,
    `  and call the API:     curl -H "Authorization: Bearer <token>" ${origin}/api/v1/accounts/verify_credentials`,
    `  Your profile:         ${origin}/users/${admin.username}`,
    "",
  ];
  return { lines, file };
}
