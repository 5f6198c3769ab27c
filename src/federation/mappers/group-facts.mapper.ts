// A Group we serve says its visibility (`ecotone:visibility`: public,
// members_only or secret) and whether it takes questions
// (`ecotone:questions`, issue 16), so member instances label it as its home
// does instead of guessing "public", and refuse a question before sending it.
// To those who may list its members, it also states their reputation levels
// (`ecotone:memberLevels`, docs/federation.md "Reputation levels"), which
// member instances read only from this, the home's own document.
import type { Actor } from "@fedify/vocab";
import type { StatedLevel } from "../../domain/group-levels.rules.ts";
import { ECOTONE_NS } from "../forgefed/vocabulary.ts";

const TERM = { ecotone: ECOTONE_NS, visibility: "ecotone:visibility", questions: "ecotone:questions" };
const LEVEL_TERMS = {
  memberLevels: { "@id": "ecotone:memberLevels", "@container": "@set" },
  member: { "@id": "ecotone:member", "@type": "@id" },
  level: "ecotone:level",
};

export interface GroupFacts {
  visibility: string;
  questionsEnabled: boolean;
  /** The members' levels as last published; absent when the group never stated any, or the requester may not list its members. */
  memberLevels?: readonly StatedLevel[] | null;
}

export function withGroupFacts<T extends Actor>(group: T, facts: GroupFacts): T {
  const serialize = group.toJsonLd.bind(group);
  Object.defineProperty(group, "toJsonLd", {
    value: async (options?: Parameters<T["toJsonLd"]>[0]) => {
      const json = (await serialize(options)) as Record<string, unknown>;
      if (!json || typeof json !== "object" || Array.isArray(json)) return json;
      if ("@context" in json) {
        const context = json["@context"];
        const levels = facts.memberLevels;
        return {
          ...json,
          "@context": [...(Array.isArray(context) ? context : [context]), levels ? { ...TERM, ...LEVEL_TERMS } : TERM],
          visibility: facts.visibility,
          questions: facts.questionsEnabled,
          ...(levels ? { memberLevels: levels.map((l) => ({ member: l.memberUri, level: l.level })) } : {}),
        };
      }
      if (options?.format === "expand") {
        return { ...json, [`${ECOTONE_NS}visibility`]: [{ "@value": facts.visibility }], [`${ECOTONE_NS}questions`]: [{ "@value": facts.questionsEnabled }] };
      }
      // Embedded in an activity (an Update of the group): compact, under full IRIs.
      return { ...json, [`${ECOTONE_NS}visibility`]: facts.visibility, [`${ECOTONE_NS}questions`]: facts.questionsEnabled };
    },
  });
  return group;
}
