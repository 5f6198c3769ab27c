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
      const { seconds } = await backfillInsights(ctx);
      return `Insight rollups rebuilt in ${seconds.toFixed(1)} s.`;
    },
  },
];
