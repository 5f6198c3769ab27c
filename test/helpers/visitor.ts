// A browser in miniature for the web pages: keeps cookies, reads the CSRF
// token off the last page, never follows redirects (tests look at them).

// Instances put a deadline on the process's fetch; a test's own requests
// (30 sign-ins queued behind the password hasher) must not be cut short.
const clientFetch = globalThis.fetch;
export class Visitor {
  readonly jar = new Map<string, string>();
  lastPage = "";
  lastUrl = "";
  readonly origin: string;
  constructor(origin: string) {
    this.origin = origin;
  }

  private remember(res: Response) {
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

  /** Posts a form; `body` as a string is sent as it is (already encoded). */
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

  async signIn(username: string, password: string, next = "/"): Promise<Response> {
    await this.get("/sign-in");
    return this.post("/sign-in", { username, password, next });
  }
}
