// What the fastify plugins answer for (security headers, CORS, static files,
// WebSocket upgrades):
// pages carry their exact Content-Security-Policy and no CORS, the APIs carry
// CORS and none of the page headers, and only the files that exist are served.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startInstance, type TestInstance } from "../helpers/instances.ts";

let a: TestInstance;
const at = (path: string, init: RequestInit = {}) => fetch(new URL(path, a.origin), { redirect: "manual", ...init });
const directives = (csp: string | null) =>
  (csp ?? "")
    .split(";")
    .map((d) => d.trim())
    .filter(Boolean)
    .sort();

beforeAll(async () => {
  a = await startInstance();
});

afterAll(async () => {
  await a?.close();
});

describe("security headers", () => {
  it("gives web pages exactly their Content-Security-Policy and framing, referrer and sniffing rules", async () => {
    const page = await at("/sign-in");
    expect(page.status).toBe(200);
    expect(directives(page.headers.get("content-security-policy"))).toEqual(
      [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: http: data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].sort(),
    );
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("permissions-policy")).toBe("camera=(), microphone=(), geolocation=()");
    expect(page.headers.get("cache-control")).toBe("no-store");
    // A plain-http instance must stay reachable over http.
    expect(page.headers.get("strict-transport-security")).toBeNull();
    expect(page.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("leaves API answers free of page headers, so other sites' clients can load them", async () => {
    const api = await at("/api/v1/instance", { headers: { origin: "https://client.example" } });
    expect(api.status).toBe(200);
    expect(api.headers.get("access-control-allow-origin")).toBe("*");
    expect(api.headers.get("access-control-expose-headers")).toMatch(/\bLink\b/);
    expect(api.headers.get("content-security-policy")).toBeNull();
    expect(api.headers.get("cross-origin-resource-policy")).toBeNull();
  });
});

describe("CORS", () => {
  it("answers a preflight on the API and refuses none of its headers", async () => {
    const preflight = await at("/api/v1/statuses", {
      method: "OPTIONS",
      headers: {
        origin: "https://client.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, idempotency-key",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("DELETE");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Idempotency-Key/);
    expect(preflight.headers.get("access-control-max-age")).toBe("86400");
  });

  it("gives pages no CORS, even to a preflight", async () => {
    const preflight = await at("/sign-in", { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.status).toBe(404);
  });
});

describe("static files", () => {
  it("serves the interface's script and stylesheet, and nothing else from /assets/", async () => {
    const script = await at("/assets/app.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(script.headers.get("x-content-type-options")).toBe("nosniff");
    expect(script.headers.get("cache-control")).toContain("max-age=300");
    expect(await script.text()).toContain("Progressive enhancement");
    expect((await at("/assets/app.css")).headers.get("content-type")).toMatch(/^text\/css/);
    expect((await at("/assets/missing.js")).status).toBe(404);
    expect((await at("/assets/..%2fassets.routes.ts")).status).toBe(404);
    expect((await at("/assets/")).status).toBe(404);
  });

  it("serves the default avatar and header images", async () => {
    for (const path of ["/static/avatar.png", "/static/header.png"]) {
      const image = await at(path);
      expect(image.status).toBe(200);
      expect(image.headers.get("content-type")).toBe("image/png");
      expect(image.headers.get("cache-control")).toContain("max-age=86400");
      expect(
        Buffer.from(await image.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe("PNG");
    }
    expect((await at("/static/other.png")).status).toBe(404);
  });
});

/** The HTTP status a WebSocket upgrade is answered with (101 when it opens). */
function upgradeStatus(path: string, protocol?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${a.origin.replace(/^http/, "ws")}${path}`, protocol ? [protocol] : []);
    ws.once("open", () => {
      ws.close();
      resolve(101);
    });
    ws.once("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
    ws.once("error", reject);
  });
}

describe("WebSocket upgrades", () => {
  it("opens the stream for a token with a read scope, and refuses others before upgrading", async () => {
    const reader = await a.user("wendy", { scopes: "read" });
    const writer = await a.user("walt", { scopes: "write" });
    expect(await upgradeStatus("/api/v1/streaming?stream=public", reader.token)).toBe(101);
    expect(await upgradeStatus("/api/v1/streaming/?stream=public", reader.token)).toBe(101);
    expect(await upgradeStatus("/api/v1/streaming?stream=public", writer.token)).toBe(403);
    expect(await upgradeStatus("/api/v1/streaming?stream=public")).toBe(401);
    expect(await upgradeStatus("/api/v1/timelines/home", reader.token)).not.toBe(101);
    expect(await upgradeStatus("/nowhere", reader.token)).toBe(404);
    // The server still answers plain requests afterwards.
    expect((await at("/api/v1/streaming/health")).status).toBe(200);
  });
});
