// Split-horizon DNS for SSRF tests, inside this test process only.
//
// Fedify checks a URL by resolving its host with `node:dns/promises` lookup
// and refusing private answers; the actual connection then resolves again
// with `node:dns` lookup. Here a fake name can answer the *check* with any
// address we like (10.0.0.7, fe80::1, a public address…) while every
// *connection* to it lands on 127.0.0.1, where a test server records it. So
// a test proves a refusal happened before any connection, for every private
// range, without needing those networks.
//
// (That the check and the connection resolve separately is also what DNS
// rebinding exploits: see docs/security.md.)
import { createRequire, syncBuiltinESMExports } from "node:module";
import type { LookupAddress } from "node:dns";

const require = createRequire(import.meta.url);
const dns = require("node:dns") as typeof import("node:dns");
const dnsPromises = require("node:dns/promises") as typeof import("node:dns/promises");

/** name → addresses the check sees. Connections to these names go to 127.0.0.1. */
const names = new Map<string, string[]>();
let installed: { lookup: typeof dns.lookup; promisesLookup: typeof dnsPromises.lookup } | null = null;

function family(address: string): 4 | 6 {
  return address.includes(":") ? 6 : 4;
}

export function installFakeDns(entries: Record<string, string | string[]>): void {
  for (const [name, addresses] of Object.entries(entries)) names.set(name.toLowerCase(), [addresses].flat());
  if (installed) return;
  installed = { lookup: dns.lookup, promisesLookup: dnsPromises.lookup };
  const original = installed;

  const fakePromisesLookup = (async (hostname: string, options?: unknown) => {
    const answer = names.get(hostname.toLowerCase());
    if (!answer) return (original.promisesLookup as (h: string, o?: unknown) => Promise<unknown>)(hostname, options);
    const all: LookupAddress[] = answer.map((address) => ({ address, family: family(address) }));
    const wantsAll = typeof options === "object" && options !== null && (options as { all?: boolean }).all;
    return wantsAll ? all : all[0];
  }) as typeof dnsPromises.lookup;

  const fakeLookup = ((hostname: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === "function" ? options : callback) as (...args: unknown[]) => void;
    const opts = typeof options === "object" && options !== null ? (options as { all?: boolean }) : {};
    if (!names.has(hostname.toLowerCase())) {
      return (original.lookup as (...args: unknown[]) => void)(hostname, options, callback);
    }
    process.nextTick(() => {
      if (opts.all) cb(null, [{ address: "127.0.0.1", family: 4 }]);
      else cb(null, "127.0.0.1", 4);
    });
  }) as typeof dns.lookup;

  dnsPromises.lookup = fakePromisesLookup;
  dns.lookup = fakeLookup;
  // ESM importers (Fedify imports `lookup` from node:dns/promises) see the change.
  syncBuiltinESMExports();
}

export function uninstallFakeDns(): void {
  if (!installed) return;
  dnsPromises.lookup = installed.promisesLookup;
  dns.lookup = installed.lookup;
  syncBuiltinESMExports();
  installed = null;
  names.clear();
}
