// Loads a JSON-LD fixture from test/fixtures/ap/, pointing its placeholder
// hosts (`https://lemmy.example`…) at live test servers and filling `{{name}}`
// slots, so real-world shapes can be delivered to a running instance.
import { readFileSync } from "node:fs";

export function loadApFixture(name: string, hosts: Record<string, { origin: string; host: string }>, vars: Record<string, string> = {}): any {
  const pairs: Array<[string, string]> = [];
  for (const [placeholder, server] of Object.entries(hosts)) pairs.push([`https://${placeholder}`, server.origin]);
  for (const [placeholder, server] of Object.entries(hosts)) pairs.push([placeholder, server.host]);
  const rewrite = (s: string) => {
    let out = s.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      if (!(key in vars)) throw new Error(`fixture ${name}: no value for {{${key}}}`);
      return vars[key]!;
    });
    for (const [from, to] of pairs) out = out.split(from).join(to);
    return out;
  };
  const walk = (v: unknown): unknown =>
    typeof v === "string"
      ? rewrite(v)
      : Array.isArray(v)
        ? v.map(walk)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
          : v;
  return walk(JSON.parse(readFileSync(new URL(`../fixtures/ap/${name}`, import.meta.url), "utf8")));
}
