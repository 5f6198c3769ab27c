// The parts of a profile other servers show beside name and bio: avatar and
// header images, and profile fields (PropertyValue). Changing any of them
// tells followers with Update(actor), like any other profile change.
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findActorByHandle } from "../../db/repos/remote-actor.repo.ts";
import { updateLocalActorExtras } from "../../db/repos/user.repo.ts";
import type { ActorRow, ProfileField } from "../../db/schema.ts";
import { checkUpload } from "../../domain/media.rules.ts";
import { checkProfileFields, type ProfileFieldInput } from "../../domain/profile.rules.ts";
import { requireLocalUserActor } from "./actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { extractMentionHandles, renderText, type MentionLink } from "../html.ts";
import { uploadMedia } from "../posts/media.service.ts";

export interface ProfileExtrasInput {
  avatar?: Uint8Array;
  header?: Uint8Array;
  fields?: ProfileFieldInput[];
}

export async function updateProfileExtras(ctx: ServiceContext, username: string, input: ProfileExtrasInput): Promise<ActorRow> {
  const actor = await requireLocalUserActor(ctx, username);
  // Everything is checked before anything is stored: a bad header leaves the avatar as it was.
  const fields = input.fields === undefined ? undefined : checkProfileFields(input.fields);
  if (input.avatar) checkUpload(input.avatar);
  if (input.header) checkUpload(input.header);
  const urlOf = async (bytes: Uint8Array | undefined) => {
    if (!bytes) return undefined;
    const media = await uploadMedia(ctx, username, { bytes });
    return new URL(`/media/${media.file_name}`, ctx.origin).href;
  };
  const iconUrl = await urlOf(input.avatar);
  const headerUrl = await urlOf(input.header);
  await ctx.db.transaction().execute(async (trx) => {
    await updateLocalActorExtras(trx, actor.id, { iconUrl, headerUrl, fields });
    await recordOutboxEvent(trx, { type: "actor.updated", actorId: actor.id });
  });
  ctx.onOutboxEvent?.();
  return requireLocalUserActor(ctx, username);
}

export function profileFieldsOf(actor: Pick<ActorRow, "fields">): ProfileField[] {
  return Array.isArray(actor.fields) ? actor.fields.filter((f) => typeof f?.name === "string" && typeof f?.value === "string") : [];
}

/** A field's value as HTML: links and known mentions linked, like a post. */
export function renderFieldValue(value: string, origin: URL, mentions: MentionLink[] = []): string {
  return renderText(value, origin, mentions).replace(/^<p>|<\/p>$/g, "");
}

/**
 * The handles in a local bio that name actors we know, as mention links.
 * Only cached actors: serving a profile never fetches from other servers.
 */
export async function knownMentionsIn(ctx: ServiceContext, text: string | null): Promise<MentionLink[]> {
  const links: MentionLink[] = [];
  for (const handle of extractMentionHandles(text ?? "").slice(0, 20)) {
    const [, username, domain] = handle.split("@");
    const actor = username && domain ? await findActorByHandle(ctx.db, username, domain) : undefined;
    if (actor) links.push({ handle, uri: actor.uri, url: actor.url ?? actor.uri });
  }
  return links;
}
