// Summarises a V8 .cpuprofile (as `BENCH_CPU_PROF` writes): self and total
// time by function and by file, the heaviest first, and the share of samples
// whose stack passes through each of a few named areas.
//
//   npx node bench/lib/cpuprofile-summary.ts <file.cpuprofile> [--top=40] [--per=<n activities>]
//     [--from=<s> --to=<s>]   only the samples between these seconds after the profile's start
//     [--timeline]            non-idle ms per second of the profile, to find a run's steps
//
// V8 samples on a wall-clock interval: on a loaded machine a descheduled
// thread's stack is still sampled, so read the shares, not the milliseconds.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives, shortened to the package or the project folder. */
export function fileOf(url: string): string {
  if (!url) return "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return `${pkg}/${rest.slice(rest[0]!.startsWith("@") ? 2 : 1).join("/")}`;
  }
  const src = url.search(/\/(src|bench)\//);
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, "");
}

/** Areas a sample is counted in when any frame of its stack matches (first match wins per area). */
const AREAS: Array<[string, (fn: string, file: string) => boolean]> = [
  ["PGlite (WASM and its JS)", (_fn, file) => file.startsWith("@electric-sql/pglite")],
  ["kysely", (_fn, file) => file.startsWith("kysely/")],
  ["our db layer (src/db)", (_fn, file) => file.startsWith("src/db/")],
  ["JSON-LD (jsonld)", (_fn, file) => file.startsWith("jsonld/") || file.startsWith("@digitalbazaar")],
  ["Fedify vocab (fromJsonLd/toJsonLd)", (_fn, file) => file.startsWith("@fedify/vocab")],
  ["Fedify signatures (sig/)", (_fn, file) => file.startsWith("@fedify/fedify") && /\/sig\//.test(file)],
  ["Fedify (all)", (_fn, file) => file.startsWith("@fedify/")],
  ["fastify", (_fn, file) => file.startsWith("fastify/") || file.startsWith("find-my-way") || file.startsWith("light-my-request")],
  ["pino / logtape", (_fn, file) => file.startsWith("pino") || file.startsWith("@logtape")],
  ["our federation (src/federation)", (_fn, file) => file.startsWith("src/federation/")],
  ["our services (src/services)", (_fn, file) => file.startsWith("src/services/")],
  ["our http (src/http)", (_fn, file) => file.startsWith("src/http/")],
  ["garbage collection", (fn) => fn === "(garbage collector)"],
  ["idle", (fn) => fn === "(idle)"],
];

export interface SummaryOptions {
  top?: number;
  /** Divide every figure by this (the activities in the window). */
  per?: number;
  /** Seconds after the profile's start. */
  from?: number;
  to?: number;
}

/** Sample times in seconds after the profile's start. */
function sampleTimes(profile: Profile): number[] {
  const times: number[] = [];
  let t = 0;
  for (const delta of profile.timeDeltas) times.push((t += delta) / 1e6);
  return times;
}

/** Non-idle milliseconds in each second of the profile. */
export function timeline(profile: Profile): string {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const times = sampleTimes(profile);
  const busy: number[] = [];
  for (let i = 0; i < profile.samples.length; i++) {
    if (idle.has(profile.samples[i]!)) continue;
    const s = Math.floor(times[i]!);
    busy[s] = (busy[s] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000;
  }
  return [...busy].map((ms, s) => `${String(s).padStart(4)} s ${String(Math.round(ms ?? 0)).padStart(5)} ms`).join("\n");
}

export function summarise(profile: Profile, options: SummaryOptions = {}): string {
  const { top = 40, per = 1, from = 0, to = Infinity } = options;
  const times = sampleTimes(profile);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    if (times[i]! < from || times[i]! >= to) continue;
    const id = profile.samples[i]!;
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const fnSelf = new Map<string, number>();
  const fnTotal = new Map<string, number>();
  const fileSelf = new Map<string, number>();
  const areaMs = new Map<string, number>();
  let all = 0;
  let busy = 0;
  for (const [id, ms] of selfMs) {
    all += ms;
    const node = byId.get(id)!;
    if (node.callFrame.functionName !== "(idle)") busy += ms;
    const own = `${node.callFrame.functionName || "(anonymous)"} ${fileOf(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    fnSelf.set(own, (fnSelf.get(own) ?? 0) + ms);
    const file = fileOf(node.callFrame.url);
    fileSelf.set(file, (fileSelf.get(file) ?? 0) + ms);
    const seen = new Set<string>();
    const areas = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const key = `${f.functionName || "(anonymous)"} ${fileOf(f.url)}:${f.lineNumber + 1}`;
      if (!seen.has(key)) fnTotal.set(key, (fnTotal.get(key) ?? 0) + ms);
      seen.add(key);
      for (const [area, matches] of AREAS) if (!areas.has(area) && matches(f.functionName, fileOf(f.url))) areas.add(area);
    }
    for (const area of areas) areaMs.set(area, (areaMs.get(area) ?? 0) + ms);
  }
  const fmt = (ms: number) => `${(ms / per).toFixed(3).padStart(9)} ${((100 * ms) / busy).toFixed(1).padStart(5)}%`;
  const table = (title: string, m: Map<string, number>, n: number) =>
    [
      `== ${title} (ms${per !== 1 ? ` per ${per === 1 ? "" : "unit"}` : ""}, % of non-idle)`,
      ...[...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([k, v]) => `${fmt(v)}  ${k}`),
    ].join("\n");
  return [
    `window ${from}–${to} s: sampled ${(all / 1000).toFixed(1)} s, non-idle ${(busy / 1000).toFixed(1)} s${per !== 1 ? `, divided by ${per}` : ""}`,
    table("areas (stack passes through)", areaMs, AREAS.length),
    table("self time by file", fileSelf, top),
    table("self time by function", fnSelf, top),
    table("total time by function", fnTotal, top),
  ].join("\n\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error("usage: cpuprofile-summary.ts <file.cpuprofile> [--top=40] [--per=N] [--from=s --to=s] [--timeline]");
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  if (process.argv.includes("--timeline")) console.log(timeline(profile));
  else
    console.log(
      summarise(profile, { top: Number(arg("top") ?? 40), per: Number(arg("per") ?? 1), from: Number(arg("from") ?? 0), to: Number(arg("to") ?? Infinity) }),
    );
}
