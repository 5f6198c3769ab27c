// A real OpenID provider (the certified oidc-provider package) on a loopback
// port, with its development login and consent pages, and a tiny browser that
// walks through them: cookies per host, redirects followed by hand, forms
// filled from the page's own action and hidden fields.
import { createServer, type Server } from "node:http";
import Provider from "oidc-provider";

export interface IdpAccount {
  sub: string;
  claims: Record<string, unknown>;
}

export interface Idp {
  issuer: string;
  close(): Promise<void>;
}

export async function startIdp(port: number, client: { clientId: string; clientSecret: string; redirectUri: string }, accounts: IdpAccount[]): Promise<Idp> {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [client.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ["sub"], profile: ["preferred_username", "name", "roles", "ecotone_audience"], email: ["email", "email_verified"] },
    // Claims in the ID token too, as many company IdPs are set up.
    conformIdTokenClaims: false,
    cookies: { keys: ["test-cookie-key"] },
    findAccount: async (_ctx, id) => {
      const account = accounts.find((a) => a.sub === id);
      return account ? { accountId: id, claims: async () => ({ sub: id, ...account.claims }) } : undefined;
    },
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { issuer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const clientFetch = globalThis.fetch;

/** Cookies per host, redirects by hand, as a browser would across the two sites. */
export class TwoSiteBrowser {
  readonly jars = new Map<string, Map<string, string>>();
  lastText = "";
  lastUrl = "";

  #jar(url: URL) {
    let jar = this.jars.get(url.host);
    if (!jar) this.jars.set(url.host, (jar = new Map()));
    return jar;
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.#jar(target);
    const response = await clientFetch(target, {
      method: init.method ?? "GET",
      redirect: "manual",
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form) } : {}),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const [name, ...value] = pair!.split("=");
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(header)) jar.delete(name!.trim());
      else jar.set(name!.trim(), value.join("="));
    }
    this.lastUrl = target.href;
    return response;
  }

  /** Follows redirects until a page answers; stops early at `stopAt` (a URL prefix) without requesting it. */
  async follow(
    url: string,
    stopAt?: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ url: string; status: number; text: string }> {
    let current = url;
    let response = await this.request(current, init);
    for (let hops = 0; hops < 20 && response.status >= 300 && response.status < 400; hops++) {
      current = new URL(response.headers.get("location")!, current).href;
      if (stopAt && current.startsWith(stopAt)) return { url: current, status: 0, text: "" };
      response = await this.request(current);
    }
    this.lastText = await response.text();
    return { url: current, status: response.status, text: this.lastText };
  }

  /** Submits the page's (first) form with these fields added to its hidden ones. */
  async submit(fields: Record<string, string>, stopAt?: string) {
    const action = /<form[^>]*action="([^"]+)"/.exec(this.lastText)?.[1];
    if (!action) throw new Error(`no form on ${this.lastUrl}:\n${this.lastText.slice(0, 500)}`);
    const hidden = Object.fromEntries([...this.lastText.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    return this.follow(new URL(action.replace(/&amp;/g, "&"), this.lastUrl).href, stopAt, { method: "POST", form: { ...hidden, ...fields } });
  }
}
