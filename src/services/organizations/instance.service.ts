// Facts about this instance as a whole.
import { getInstanceUsage, pingDatabase, type InstanceUsage } from "../../db/queries/actor.queries.ts";
import type { ServiceContext } from "../context.ts";

export async function getUsage(ctx: ServiceContext): Promise<InstanceUsage> {
  return getInstanceUsage(ctx.db);
}

export async function checkHealth(ctx: ServiceContext): Promise<{ status: "ok" } | { status: "unavailable"; reason: string }> {
  try {
    await pingDatabase(ctx.db);
    return { status: "ok" };
  } catch (error) {
    return { status: "unavailable", reason: `database: ${(error as Error).message}` };
  }
}
