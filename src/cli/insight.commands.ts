// `ecotone insights backfill`: rebuilds the insight rollups from the stored
// activity (after a restore, or to pick up changed audience labels in old
// figures); the database's triggers keep them current otherwise.
import type { ServiceContext } from "../services/context.ts";
import { backfillInsights } from "../services/insights/insight.service.ts";
import type { Command } from "./commands.ts";

export const INSIGHT_COMMANDS: Command[] = [
  {
    name: "insights backfill",
    usage: "insights backfill",
    summary: "rebuild the insight rollups from the stored posts, likes, ideas and memberships",
    async run(ctx: ServiceContext) {
      const { seconds, steps } = await backfillInsights(ctx);
      // Each step's time, so a slow rebuild says which part to look at.
      const lines = steps.map((s) => `  ${s.step}: ${(s.ms / 1000).toFixed(1)} s`);
      return [`Insight rollups rebuilt in ${seconds.toFixed(1)} s.`, ...lines].join("\n");
    },
  },
];
