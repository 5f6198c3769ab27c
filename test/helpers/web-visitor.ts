// A browser in miniature for web-interface tests: keeps cookies, reads the
// CSRF token off the last page, signs in, posts forms.

// The instances put a deadline on the process's fetch; a test's own requests
// (a password change hashes twice) must not be cut short by it.
const clientFetch = globalThis.fetch;
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

  private cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(path: string): Promise<{ status: number; text: string }> {
    const res = await clientFetch(new URL(path, this.origin), { headers: { cookie: this.cookie(), accept: "text/html" }, redirect: "manual" });
    this.remember(res);
    this.lastPage = await res.text();
    this.lastUrl = new URL(path, this.origin).href;
    return { status: res.status, text: this.lastPage };
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    const csrf = /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1] ?? "";
    const res = await clientFetch(new URL(path, this.origin), {
      method: "POST",
      headers: { cookie: this.cookie(), "content-type": "application/x-www-form-urlencoded", referer: this.lastUrl || this.origin },
      body: new URLSearchParams({ _csrf: csrf, ...fields }),
      redirect: "manual",
    });
    this.remember(res);
    return res;
  }

  /** The flash message shown after a form's redirect. */
  async flashAfter(res: Response): Promise<string> {
    const next = await this.get(res.headers.get("location") ?? "/");
    return /<div id="status"[^>]*>([^<]*)</.exec(next.text)?.[1] ?? "";
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.get("/sign-in");
    await this.post("/sign-in", { username, password, next: "/" });
  }
}

// The same, with the helpers the web interface's own tests use (raw responses,
// forms without a token, the flash after a redirect).
export const PASSWORD = "correct horse battery staple";

/** A browser in miniature: keeps cookies, reads the CSRF token off the last page. */
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

  private cookie(): string {
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

  async post(path: string, fields: Record<string, string>, withCsrf = true): Promise<Response> {
    const body = new URLSearchParams({ ...(withCsrf ? { _csrf: this.csrf() } : {}), ...fields });
    const res = await clientFetch(new URL(path, this.origin), {
      method: "POST",
      headers: { cookie: this.cookie(), "content-type": "application/x-www-form-urlencoded", referer: this.lastUrl || this.origin },
      body,
      redirect: "manual",
    });
    this.remember(res);
    return res;
  }

  /** The flash message the next page shows. */
  async flashAfter(res: Response): Promise<string> {
    const next = await this.get(res.headers.get("location") ?? "/");
    return /<div id="status"[^>]*>([^<]*)</.exec(next.text_)?.[1] ?? "";
  }

  async signIn(username: string, password = PASSWORD): Promise<Response> {
    await this.get("/sign-in");
    return this.post("/sign-in", { username, password, next: "/" });
  }
}

