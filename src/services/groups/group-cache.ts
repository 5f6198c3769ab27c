// Remote groups we know of get a groups row so they list and resolve like
// ours. Their real policy lives on their instance; we record what their actor
// document tells: an Ecotone home states its visibility (ecotone:visibility),
// a locked group asks for approval. Refreshed each time we see the document.
import type { Kysely } from "kysely";
import { insertGroup, updateGroupSettings } from "../../db/repos/group.repo.ts";
import type { ActorRow, Database } from "../../db/schema.ts";
import { GROUP_VISIBILITIES, type GroupVisibility } from "../../domain/group.rules.ts";

/** The visibility the group's own document states (secret as members-only); a group that says nothing is taken as public. */
export function statedVisibility(raw: unknown): GroupVisibility {
  const json = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const value = json.visibility ?? json["https://ecotone.social/ns#visibility"];
  if (typeof value !== "string" || !(GROUP_VISIBILITIES as readonly string[]).includes(value)) return "public";
  // A secret group elsewhere stays reachable here for the people it invited
  // (this instance does not hold its invitations): it reads as members-only.
  return value === "secret" ? "members_only" : (value as GroupVisibility);
}

/**
 * Whether the group's own document says it takes questions (`ecotone:questions`).
 * A home that says nothing (Lemmy, an older Ecotone) is not refused: questions
 * are ordinary posts to it.
 */
export function statedQuestions(raw: unknown): boolean {
  const json = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const value = json.questions ?? json["https://ecotone.social/ns#questions"];
  const flat = Array.isArray(value) ? (value[0] as { "@value"?: unknown } | undefined)?.["@value"] : value;
  return flat !== false;
}

export async function ensureGroupRow(db: Kysely<Database>, actor: ActorRow): Promise<void> {
  const settings = { visibility: statedVisibility(actor.raw), joinPolicy: actor.locked ? ("approval" as const) : ("open" as const) };
  await insertGroup(db, { actorId: actor.id, ...settings, createdBy: null });
  if (!actor.is_local) {
    await updateGroupSettings(db, actor.id, {
      visibility: settings.visibility,
      join_policy: settings.joinPolicy,
      questions_enabled: statedQuestions(actor.raw),
    });
  }
}
