// Discovery for client apps: /api/v1/instance and /api/v2/instance, with
// honest limits, plus empty-but-valid answers for features not built yet.
import { POLL_LIMITS } from "../../domain/poll.rules.ts";
import type { FastifyInstance } from "fastify";
import { IMAGE_TYPES, MAX_ATTACHMENTS, MAX_IMAGE_BYTES } from "../../domain/media.rules.ts";
import { MAX_POST_CHARS } from "../../domain/post.rules.ts";
import { MAX_PINNED_POSTS } from "../../domain/pin.rules.ts";
import { MAX_FEATURED_TAGS } from "../../domain/tag.rules.ts";
import { ECOTONE_VERSION } from "../../domain/version.ts";
import type { ServiceContext } from "../../services/context.ts";
import { getUsage } from "../../services/organizations/instance.service.ts";
import { vapidKeys } from "../../services/channels/push.service.ts";

/** The Mastodon API level we implement (see docs/clients.md). */
export const MASTODON_COMPAT_VERSION = "4.0.0";

export function registerMastodonInstanceRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const domain = ctx.origin.host;
  const version = `${MASTODON_COMPAT_VERSION} (compatible; Ecotone ${ECOTONE_VERSION})`;
  const statuses = { max_characters: MAX_POST_CHARS, max_media_attachments: MAX_ATTACHMENTS, characters_reserved_per_url: 23 };
  const media = {
    supported_mime_types: [...IMAGE_TYPES],
    image_size_limit: MAX_IMAGE_BYTES,
    image_matrix_limit: 16_777_216,
    video_size_limit: 0,
    video_frame_rate_limit: 0,
    video_matrix_limit: 0,
  };
  const thumbnail = new URL("/static/header.png", ctx.origin).href;

  fastify.get("/api/v1/instance", async () => {
    const usage = await getUsage(ctx);
    return {
      uri: domain,
      title: ctx.instanceName,
      short_description: "An Ecotone instance: ecosystem collaboration over ActivityPub.",
      description: "An Ecotone instance: ecosystem collaboration over ActivityPub.",
      email: "",
      version,
      urls: { streaming_api: `${ctx.origin.protocol === "https:" ? "wss" : "ws"}://${domain}` },
      stats: { user_count: usage.totalUsers, status_count: usage.localPosts, domain_count: 0 },
      thumbnail,
      languages: ["en"],
      registrations: false,
      approval_required: true,
      invites_enabled: false,
      configuration: {
        accounts: { max_featured_tags: MAX_FEATURED_TAGS },
        statuses,
        media_attachments: media,
        polls: {
          max_options: POLL_LIMITS.maxOptions,
          max_characters_per_option: POLL_LIMITS.maxCharactersPerOption,
          min_expiration: POLL_LIMITS.minExpiration,
          max_expiration: POLL_LIMITS.maxExpiration,
        },
      },
      contact_account: null,
      rules: [],
    };
  });

  fastify.get("/api/v2/instance", async () => {
    const usage = await getUsage(ctx);
    return {
      domain,
      title: ctx.instanceName,
      version,
      source_url: "https://github.com/ecotone-social/ecotone",
      description: "An Ecotone instance: ecosystem collaboration over ActivityPub.",
      usage: { users: { active_month: usage.activeMonth } },
      thumbnail: { url: thumbnail },
      icon: [],
      languages: ["en"],
      configuration: {
        urls: { streaming: `${ctx.origin.protocol === "https:" ? "wss" : "ws"}://${domain}` },
        // The key push messages are signed with (RFC 8292): apps pass it to the browser's or phone's push service.
        vapid: { public_key: (await vapidKeys(ctx)).publicKey },
        accounts: { max_featured_tags: MAX_FEATURED_TAGS, max_pinned_statuses: MAX_PINNED_POSTS },
        statuses,
        media_attachments: media,
        polls: {
          max_options: POLL_LIMITS.maxOptions,
          max_characters_per_option: POLL_LIMITS.maxCharactersPerOption,
          min_expiration: POLL_LIMITS.minExpiration,
          max_expiration: POLL_LIMITS.maxExpiration,
        },
        translation: { enabled: false },
      },
      registrations: { enabled: false, approval_required: true, message: null },
      api_versions: { mastodon: 0 },
      contact: { email: "", account: null },
      rules: [],
    };
  });

  // Ecotone has no custom emojis, announcements, rules or endorsements: the empty lists Mastodon answers then.
  for (const path of ["/api/v1/custom_emojis", "/api/v1/announcements", "/api/v1/instance/rules", "/api/v1/endorsements"]) {
    fastify.get(path, async () => []);
  }
  fastify.get("/api/v1/preferences", async () => ({
    "posting:default:visibility": "public",
    "posting:default:sensitive": false,
    "posting:default:language": null,
    "reading:expand:media": "default",
    "reading:expand:spoilers": false,
  }));
}
