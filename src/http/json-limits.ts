// Limits on JSON request bodies, checked before anything parses them.
//
// JSON.parse copes with deep nesting, but what runs on the result does not:
// JSON-LD expansion, the serializer and our own walkers recurse, so a body of
// 100,000 nested arrays overflowed the stack and answered 500. A body that is
// not JSON, or nests deeper than any real activity or API call, answers 400
// on every door instead, before Fedify or a route sees it.

/** Deepest nesting accepted; real activities are under 10 levels, API calls under 5. */
export const MAX_JSON_DEPTH = 64;

/** True when arrays and objects nest deeper than `max`; one linear pass, strings skipped. */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

export type JsonBodyProblem = "not_json" | "too_deep";

/** `text` parsed (through `reviver`, if given), or why it is no acceptable JSON body. */
export function parseJsonBody(text: string, reviver?: Parameters<typeof JSON.parse>[1]): { value: unknown } | { problem: JsonBodyProblem } {
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) return { problem: "too_deep" };
  try {
    return { value: JSON.parse(text, reviver) as unknown };
  } catch {
    return { problem: "not_json" };
  }
}

export function describeJsonProblem(problem: JsonBodyProblem): string {
  return problem === "too_deep" ? `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels` : "The body is not valid JSON";
}
