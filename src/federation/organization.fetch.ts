// Learning another instance's organization: its NodeInfo's
// `metadata.organization` (Ecotone peers), else the node name other servers
// publish, and the instance actor the NodeInfo names (its name, icon and url
// are what Mastodon-family servers show). Only a document from the domain
// itself is believed about that domain.
import type { Federation } from "@fedify/fedify";
import { isActor } from "@fedify/vocab";
import { INSTANCE_ACTOR_IDENTIFIER } from "../domain/uris.ts";
import { withFreshFetches } from "./signed-fetch.cache.ts";
import type { ServiceContext } from "../services/context.ts";
import type { RemoteOrganizationData } from "../services/organizations/organization.service.ts";

type JsonObject = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value : null);

export async function fetchOrganization(
  federation: Federation<ServiceContext>,
  ctx: ServiceContext,
  domain: string,
  baseUrl: string,
): Promise<RemoteOrganizationData | null> {
  const nodeInfo = await fetchNodeInfo(baseUrl);
  if (!nodeInfo) return null;
  const metadata = (nodeInfo.metadata && typeof nodeInfo.metadata === "object" ? nodeInfo.metadata : {}) as JsonObject;
  const org = (metadata.organization && typeof metadata.organization === "object" ? metadata.organization : {}) as JsonObject;
  const data: RemoteOrganizationData = {
    name: str(org.name) ?? str(metadata.nodeName),
    shortName: str(org.shortName),
    logoUrl: str(org.logoUrl),
    website: str(org.website),
    description: str(org.description),
    actorUri: str(org.actor),
  };
  if (data.actorUri && hostOf(data.actorUri) === domain) {
    // The instance actor is the organization's own voice on the network.
    const fctx = federation.createContext(ctx.origin, ctx);
    const documentLoader = await fctx.getDocumentLoader({ identifier: INSTANCE_ACTOR_IDENTIFIER });
    // Asked because it may have changed: never a cached copy.
    const actorUri = data.actorUri;
    const actor = await withFreshFetches(() => fctx.lookupObject(actorUri, { documentLoader }).catch(() => null));
    if (actor && isActor(actor) && actor.id && actor.id.host === domain) {
      const icon = await actor.getIcon().catch(() => null);
      const iconUrl = icon?.url instanceof URL ? icon.url.href : null;
      data.name = actor.name?.toString() ?? data.name;
      data.logoUrl = iconUrl ?? data.logoUrl;
    }
  } else {
    data.actorUri = null;
  }
  return data;
}

/** NodeInfo through its well-known index; the document must live on the same server. */
async function fetchNodeInfo(baseUrl: string): Promise<JsonObject | null> {
  const index = await fetchJson(new URL("/.well-known/nodeinfo", baseUrl).href);
  const links = Array.isArray(index?.links) ? (index.links as JsonObject[]) : [];
  const href = links
    .filter((l) => typeof l.rel === "string" && l.rel.startsWith("http://nodeinfo.diaspora.software/ns/schema/2."))
    .map((l) => str(l.href))
    .filter((h): h is string => h !== null)
    .sort()
    .at(-1);
  if (!href || new URL(href, baseUrl).origin !== new URL(baseUrl).origin) return null;
  return fetchJson(new URL(href, baseUrl).href);
}

async function fetchJson(url: string): Promise<JsonObject | null> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) return null;
  const json = (await response.json()) as unknown;
  return json && typeof json === "object" && !Array.isArray(json) ? (json as JsonObject) : null;
}

function hostOf(uri: string): string | null {
  try {
    return new URL(uri).host;
  } catch {
    return null;
  }
}
