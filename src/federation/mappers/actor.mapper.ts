// Actors between our rows and ActivityStreams: `toActor` builds the document
// we serve, `fromActor` turns a fetched remote actor into what we cache.
import type { ActorKeyPair, Context } from "@fedify/fedify";
import { Application, Endpoints, Group, Image, Organization, Person, Service, isActor, type Actor } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { ActorRow } from "../../db/schema.ts";
import type { RemoteActorData } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { renderText, type MentionLink } from "../../services/html.ts";
import { profileFieldsOf } from "../../services/accounts/profile.service.ts";
import { fromPropertyValues, toPropertyValues } from "./profile-fields.mapper.ts";
import { cachedOwnOrganization } from "../../services/organizations/organization.service.ts";
import { personWithOrganization } from "./organization.mapper.ts";

export function toActor(
  ctx: Context<ServiceContext>,
  identifier: string,
  row: ActorRow,
  keys: ActorKeyPair[],
  /** Known actors a bio mentions, linked as Mastodon links them. */
  bioMentions: MentionLink[] = [],
): Actor {
  const common = {
    id: ctx.getActorUri(identifier),
    preferredUsername: row.username,
    name: row.name,
    // Local bios are plain text; other servers read `summary` as HTML.
    summary: row.summary ? renderText(row.summary, new URL(ctx.origin), bioMentions) : null,
    url: new URL(row.url ?? ctx.getActorUri(identifier)),
    inbox: ctx.getInboxUri(identifier),
    outbox: ctx.getOutboxUri(identifier),
    followers: ctx.getFollowersUri(identifier),
    following: ctx.getFollowingUri(identifier),
    featured: row.type === "Person" ? ctx.getFeaturedUri(identifier) : null,
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    manuallyApprovesFollowers: row.locked,
    discoverable: row.type === "Person",
    icon: row.icon_url ? new Image({ url: new URL(row.icon_url) }) : null,
    image: row.header_url ? new Image({ url: new URL(row.header_url) }) : null,
    attachments: toPropertyValues(profileFieldsOf(row), new URL(ctx.origin)),
    published: Temporal.Instant.fromEpochMilliseconds(row.created_at.getTime()),
    // The RSA key stays `publicKey` (draft-cavage signatures, what Mastodon
    // reads); both keys are listed as Multikeys for RFC 9421 and proofs.
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((k) => k.multikey),
  };
  if (row.type === "Application") return new Application(common);
  if (row.type === "Group") {
    // FEP-1b12: attributedTo names the moderators collection.
    return new Group({ ...common, attribution: new URL(`${ctx.getActorUri(identifier).href}/moderators`) });
  }
  return personWithOrganization(common, cachedOwnOrganization(ctx.data), new URL(ctx.origin));
}

function typeName(actor: Actor): string {
  if (actor instanceof Person) return "Person";
  if (actor instanceof Group) return "Group";
  if (actor instanceof Application) return "Application";
  if (actor instanceof Service) return "Service";
  if (actor instanceof Organization) return "Organization";
  return "Person";
}

/** An inbox's or a collection's address if it is on the actor's own origin, else null (security findings 42, 55). */
function onOriginOf(id: URL, collection: URL | null | undefined): string | null {
  return collection && collection.origin === id.origin ? collection.href : null;
}

export async function fromActor(actor: Actor): Promise<RemoteActorData> {
  if (!actor.id) throw new Error("Remote actor has no id");
  const icon = await actor.getIcon().catch(() => null);
  const iconUrl = icon?.url instanceof URL ? icon.url.href : (icon?.url?.href?.href ?? null);
  const header = await actor.getImage().catch(() => null);
  const headerUrl = header?.url instanceof URL ? header.url.href : (header?.url?.href?.href ?? null);
  return {
    uri: actor.id.href,
    type: typeName(actor),
    username: actor.preferredUsername?.toString() ?? actor.id.pathname.split("/").filter(Boolean).at(-1) ?? "unknown",
    domain: actor.id.host,
    name: actor.name?.toString() ?? null,
    summary: actor.summary?.toString() ?? null,
    url: actor.url instanceof URL ? actor.url.href : (actor.url?.href?.href ?? null),
    iconUrl,
    headerUrl,
    fields: await fromPropertyValues(actor).catch(() => []),
    // Inboxes and collections are kept only on the actor's own origin: we
    // would POST our signed activities to another server's inbox named here
    // (finding 55), and fetch another server's list with our instance actor's
    // signature (finding 42).
    inboxUrl: onOriginOf(actor.id, actor.inboxId),
    sharedInboxUrl: onOriginOf(actor.id, actor.endpoints?.sharedInbox),
    outboxUrl: onOriginOf(actor.id, actor.outboxId),
    followersUrl: onOriginOf(actor.id, actor.followersId),
    followingUrl: onOriginOf(actor.id, actor.followingId),
    locked: actor.manuallyApprovesFollowers ?? false,
    // The document as its server sent it (Fedify keeps it), with the terms Fedify does not model.
    raw: await actor.toJsonLd(),
  };
}

export { isActor };

/** What Fedify's sendActivity needs to address a cached actor. */
export function toRecipient(row: Pick<ActorRow, "uri" | "inbox_url" | "shared_inbox_url">) {
  return {
    id: new URL(row.uri),
    inboxId: row.inbox_url ? new URL(row.inbox_url) : null,
    endpoints: row.shared_inbox_url ? { sharedInbox: new URL(row.shared_inbox_url) } : null,
  };
}
