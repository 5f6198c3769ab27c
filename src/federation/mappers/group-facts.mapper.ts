// A Group we serve says its visibility (`ecotone:visibility`: public,
// members_only or secret) and whether it takes questions
// (`ecotone:questions`, issue 16), so member instances label it as its home
// does instead of guessing "public", and refuse a question before sending it.
import type { Actor } from "@fedify/vocab";
import { ECOTONE_NS } from "../forgefed/vocabulary.ts";

const TERM = { ecotone: ECOTONE_NS, visibility: "ecotone:visibility", questions: "ecotone:questions" };

export interface GroupFacts {
  visibility: string;
  questionsEnabled: boolean;
}

export function withGroupFacts<T extends Actor>(group: T, facts: GroupFacts): T {
  const serialize = group.toJsonLd.bind(group);
  Object.defineProperty(group, "toJsonLd", {
    value: async (options?: Parameters<T["toJsonLd"]>[0]) => {
      const json = (await serialize(options)) as Record<string, unknown>;
      if (!json || typeof json !== "object" || Array.isArray(json)) return json;
      if ("@context" in json) {
        const context = json["@context"];
        return {
          ...json,
          "@context": [...(Array.isArray(context) ? context : [context]), TERM],
          visibility: facts.visibility,
          questions: facts.questionsEnabled,
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
