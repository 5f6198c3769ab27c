// A browser in miniature for web-interface tests: keeps cookies, reads the
// CSRF token off the last page, signs in, posts forms (with or without the
// token, fields or an already-encoded body), and never follows redirects:
// tests look at them, and `flashAfter` reads the message the next page shows.
// (The one such helper: `Visitor` is the same class under the name older
// tests import.)

// Instances put a deadline on the process's fetch; a test's own requests
// (30 sign-ins queued behind the password hasher, a password change hashing
// twice) must not be cut short by it.
const clientFetch = globalThis.fetch;

/** The password test users are created with (test/helpers/instances.ts). */
export const PASSWORD = "correct horse battery staple";

export class WebVisitor {
  readonly jar = new Map<string, string>();
  lastPage = "";
  lastUrl = "";
  readonly origin: string;
  constructor(origin: string) {
    this.origin = origin;
  }

  private remember(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const [name, ...value] = pair!.split("=");
      if (/Max-Age=0/.test(header)) this.jar.delete(name!);
      else this.jar.set(name!, value.join("="));
    }
  }

  cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** The page at `path`; its HTML is `text_` (the body is already read). */
  async get(path: string): Promise<Response & { text_: string }> {
    const res = await clientFetch(new URL(path, this.origin), { headers: { cookie: this.cookie(), accept: "text/html" }, redirect: "manual" });
    this.remember(res);
    const text = await res.text();
    this.lastPage = text;
    this.lastUrl = new URL(path, this.origin).href;
    return Object.assign(res, { text_: text });
  }

  csrf(): string {
    return /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1] ?? "";
  }

  /** Posts a form, with the last page's CSRF token unless told not to; `fields` as a string is sent as it is (already encoded). */
  async post(path: string, fields: Record<string, string> | string, withCsrf = true): Promise<Response> {
    const body =
      typeof fields === "string"
        ? `${withCsrf ? `_csrf=${encodeURIComponent(this.csrf())}&` : ""}${fields}`
        : new URLSearchParams({ ...(withCsrf ? { _csrf: this.csrf() } : {}), ...fields }).toString();
    const res = await clientFetch(new URL(path, this.origin), {
      method: "POST",
      headers: { cookie: this.cookie(), "content-type": "application/x-www-form-urlencoded", referer: this.lastUrl || this.origin },
      body,
      redirect: "manual",
    });
    this.remember(res);
    return res;
  }

  /** The flash message the page after a form's redirect shows. */
  async flashAfter(res: Response): Promise<string> {
    const next = await this.get(res.headers.get("location") ?? "/");
    return /<div id="status"[^>]*>([^<]*)</.exec(next.text_)?.[1] ?? "";
  }

  async signIn(username: string, password = PASSWORD, next = "/"): Promise<Response> {
    await this.get("/sign-in");
    return this.post("/sign-in", { username, password, next });
  }
}

export { WebVisitor as Visitor };
