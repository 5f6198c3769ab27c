// Reads the levels a group's actor document states (`ecotone:memberLevels`,
// written by group-facts.mapper.ts), in the compact form we serve or under
// full IRIs. What it returns is unchecked: adoptHomeLevels keeps only known
// levels of people the home's member list names.
import { ECOTONE_NS } from "../forgefed/vocabulary.ts";

type Json = Record<string, unknown>;

const flat = (value: unknown): unknown => {
  const first = Array.isArray(value) ? value[0] : value;
  if (first && typeof first === "object") {
    const o = first as Json;
    return o["@value"] ?? o["@id"] ?? o.id ?? first;
  }
  return first;
};

/** The stated levels, or null when the document states none (a home that does not publish levels). */
export function statedLevelsIn(raw: unknown): Array<{ memberUri: unknown; level: unknown }> | null {
  const json = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Json) : {};
  const list = json.memberLevels ?? json[`${ECOTONE_NS}memberLevels`];
  if (list === undefined || list === null) return null;
  return (Array.isArray(list) ? list : [list]).map((entry) => {
    const e = entry && typeof entry === "object" ? (entry as Json) : {};
    return { memberUri: flat(e.member ?? e[`${ECOTONE_NS}member`]), level: flat(e.level ?? e[`${ECOTONE_NS}level`]) };
  });
}
