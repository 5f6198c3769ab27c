// Finding actors on other instances. Fedify resolves `acct:` handles over
// https only; instances on plain http (tests, `npm run demo`) are reached by
// our own WebFinger lookup, allowed only for loopback hosts and only when
// private addresses are allowed (never by default on an https origin).
import type { Federation } from "@fedify/fedify";
import { isActor, type Object as APObject } from "@fedify/vocab";
import type { ActorRow } from "../db/schema.ts";
import { notFound, validationFailed } from "../domain/errors.ts";
import { INSTANCE_ACTOR_IDENTIFIER } from "../domain/uris.ts";
import { parseHandle, rememberRemoteActor } from "../services/accounts/actor.service.ts";
import type { RemoteDirectory, ServiceContext } from "../services/context.ts";
import { assertPeerAllowed } from "../services/organizations/federation-policy.service.ts";
import { fromActor } from "./mappers/actor.mapper.ts";
import { fromPostObject, isPostObject } from "./mappers/post.mapper.ts";
import { storeFetchedPost } from "../services/posts/post-inbox.service.ts";
import { sameOrigin } from "../domain/trust.rules.ts";
import { fetchOrganization } from "./organization.fetch.ts";
import { fetchCollectionIds, fetchCollectionPage } from "./collection.fetch.ts";

export function isLoopbackHost(host: string): boolean {
  const name = host
    .replace(/:\d+$/, "")
    .replace(/^\[|\]$/g, "")
    .toLowerCase();
  return name === "localhost" || name.endsWith(".localhost") || /^127\./.test(name) || name === "::1";
}

export function createRemoteDirectory(
  federation: Federation<ServiceContext>,
  ctx: ServiceContext,
  options: { allowPrivateAddresses: boolean },
): RemoteDirectory {
  async function lookup(identifier: string): Promise<APObject | null> {
    const fctx = federation.createContext(ctx.origin, ctx);
    const documentLoader = await fctx.getDocumentLoader({ identifier: INSTANCE_ACTOR_IDENTIFIER });
    return fctx.lookupObject(identifier, { documentLoader });
  }

  return {
    async resolveActor(handleOrUri: string): Promise<ActorRow> {
      const handle = parseHandle(handleOrUri);
      let target: string = handleOrUri;
      if (handle) {
        target = `acct:${handle.username}@${handle.domain}`;
        if (options.allowPrivateAddresses && isLoopbackHost(handle.domain)) {
          target = await plainHttpWebFinger(handle.username, handle.domain);
        }
      } else if (!/^https?:\/\//.test(handleOrUri)) {
        throw validationFailed(`"${handleOrUri}" is neither a handle like @name@example.com nor a URL`);
      }
      await assertPeerAllowed(ctx, handle ? handle.domain : new URL(handleOrUri).host);
      let object: APObject | null;
      try {
        object = await lookup(target);
      } catch (error) {
        throw notFound(`Could not fetch ${handleOrUri}: ${(error as Error).message}`);
      }
      if (!object || !isActor(object)) throw notFound(`${handleOrUri} is not an actor we can reach`);
      return rememberRemoteActor(ctx, await fromActor(object));
    },

    async resolvePost(url: string): Promise<string | null> {
      await assertPeerAllowed(ctx, new URL(url).host);
      const object = await lookup(url).catch(() => null);
      if (!isPostObject(object)) return null;
      const post = await fromPostObject(object);
      // Only a post's own server speaks for its author: a note hosted on one
      // server naming an author on another is not theirs.
      if (!post || !sameOrigin(post.uri, post.authorUri)) return null;
      const author = await this.resolveActor(post.authorUri);
      await storeFetchedPost(ctx, author, post);
      return post.uri;
    },

    async fetchOrganization(domain) {
      await assertPeerAllowed(ctx, domain);
      const scheme = options.allowPrivateAddresses && isLoopbackHost(domain) ? "http" : "https";
      return fetchOrganization(federation, ctx, domain, `${scheme}://${domain}/`);
    },

    async fetchCollectionIds(url) {
      await assertPeerAllowed(ctx, new URL(url).host);
      return fetchCollectionIds(federation, ctx, url);
    },

    async fetchCollectionPage(url, page) {
      await assertPeerAllowed(ctx, new URL(url).host);
      return fetchCollectionPage(federation, ctx, url, page);
    },
  };
}

/** WebFinger over http for loopback development instances; returns the actor URL. */
async function plainHttpWebFinger(username: string, domain: string): Promise<string> {
  const resource = `acct:${username}@${domain}`;
  const url = new URL(`http://${domain}/.well-known/webfinger`);
  url.searchParams.set("resource", resource);
  let jrd: { links?: Array<{ rel?: string; type?: string; href?: string }> };
  try {
    const response = await fetch(url, { headers: { accept: "application/jrd+json" } });
    if (!response.ok) throw notFound(`No account ${resource} (WebFinger answered ${response.status})`);
    jrd = (await response.json()) as typeof jrd;
  } catch (error) {
    if ((error as { code?: string }).code === "not_found") throw error;
    // Unreachable, too slow (the fetch deadline), or not JSON: as unknown as any other lookup.
    throw notFound(`No account ${resource} (WebFinger failed: ${(error as Error).message})`);
  }
  const self = jrd.links?.find((l) => l.rel === "self" && (l.type === "application/activity+json" || l.type?.includes("activitystreams")));
  if (!self?.href) throw notFound(`WebFinger for ${resource} names no ActivityPub actor`);
  return self.href;
}
