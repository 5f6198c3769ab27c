// A Group we serve says its visibility (`ecotone:visibility`: public,
// members_only or secret), so member instances label it as its home does
// instead of guessing "public".
import type { Actor } from "@fedify/vocab";
import { ECOTONE_NS } from "../forgefed/vocabulary.ts";

const TERM = { ecotone: ECOTONE_NS, visibility: "ecotone:visibility" };

export function withGroupVisibility<T extends Actor>(group: T, visibility: string): T {
  const serialize = group.toJsonLd.bind(group);
  Object.defineProperty(group, "toJsonLd", {
    value: async (options?: Parameters<T["toJsonLd"]>[0]) => {
      const json = (await serialize(options)) as Record<string, unknown>;
      if (!json || typeof json !== "object" || Array.isArray(json)) return json;
      if ("@context" in json) {
        const context = json["@context"];
        return { ...json, "@context": [...(Array.isArray(context) ? context : [context]), TERM], visibility };
      }
      return { ...json, [`${ECOTONE_NS}visibility`]: [{ "@value": visibility }] };
    },
  });
  return group;
}
