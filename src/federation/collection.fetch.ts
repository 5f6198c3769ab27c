// Reads every item id of a remote collection, page by page, signed by our
// instance actor (a members-only group serves its members to the instances
// that have members). Bounded: a hostile home cannot make us walk forever.
import type { Federation } from "@fedify/fedify";
import { INSTANCE_ACTOR_IDENTIFIER } from "../domain/uris.ts";
import type { RemoteCollectionPage, ServiceContext } from "../services/context.ts";

const MAX_PAGES = 100;
const MAX_ITEMS = 10_000;

type Json = Record<string, unknown>;

function idOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as Json).id === "string") return (value as Json).id as string;
  return null;
}

/** A signed loader that reads only documents on the collection's own server, by their URL and by the id they state. */
async function sameServerLoader(federation: Federation<ServiceContext>, ctx: ServiceContext, url: string): Promise<(pageUrl: string) => Promise<Json>> {
  const fctx = federation.createContext(ctx.origin, ctx);
  const loader = await fctx.getDocumentLoader({ identifier: INSTANCE_ACTOR_IDENTIFIER });
  const origin = new URL(url).origin;
  return async (pageUrl) => {
    if (new URL(pageUrl).origin !== origin) throw new Error(`collection page ${pageUrl} is on another server`);
    const doc = (await loader(pageUrl)).document as Json;
    // A page that says it is another server's is not the home's own copy.
    const id = idOf(doc);
    if (id && new URL(id).origin !== origin) throw new Error(`collection page ${pageUrl} names itself ${id}, on another server`);
    return doc;
  };
}

function itemIds(doc: Json): string[] {
  const items = (doc.orderedItems ?? doc.items ?? []) as unknown;
  return (Array.isArray(items) ? items : [items]).map(idOf).filter((id): id is string => id !== null);
}

/**
 * One page of a remote collection, as a person looks at it: the first page
 * (from the collection's `first`, or its own items), or the page at `page`.
 * Only that page is read, and only from the collection's own server.
 */
export async function fetchCollectionPage(
  federation: Federation<ServiceContext>,
  ctx: ServiceContext,
  url: string,
  page: string | null,
): Promise<RemoteCollectionPage> {
  const load = await sameServerLoader(federation, ctx, url);
  const collection = await load(url);
  const total = typeof collection.totalItems === "number" ? collection.totalItems : null;
  let doc = collection;
  if (page !== null) doc = await load(page);
  else if (collection.first !== undefined) doc = typeof collection.first === "string" ? await load(collection.first) : (collection.first as Json);
  const next = idOf(doc.next);
  if (next && new URL(next).origin !== new URL(url).origin) throw new Error(`collection page ${next} is on another server`);
  return { ids: [...new Set(itemIds(doc))].slice(0, MAX_ITEMS), next, total };
}

export async function fetchCollectionIds(federation: Federation<ServiceContext>, ctx: ServiceContext, url: string): Promise<string[]> {
  const fctx = federation.createContext(ctx.origin, ctx);
  const loader = await fctx.getDocumentLoader({ identifier: INSTANCE_ACTOR_IDENTIFIER });
  const origin = new URL(url).origin;
  const ids: string[] = [];
  const load = async (pageUrl: string): Promise<Json> => {
    // Pages stay on the collection's own server.
    if (new URL(pageUrl).origin !== origin) throw new Error(`collection page ${pageUrl} is on another server`);
    return (await loader(pageUrl)).document as Json;
  };
  const take = (doc: Json) => {
    const items = (doc.orderedItems ?? doc.items ?? []) as unknown;
    for (const item of Array.isArray(items) ? items : [items]) {
      const id = idOf(item);
      if (id && ids.length < MAX_ITEMS) ids.push(id);
    }
  };
  const collection = await load(url);
  take(collection);
  let next = collection.first === undefined ? null : collection.first;
  for (let pages = 0; next && pages < MAX_PAGES && ids.length < MAX_ITEMS; pages++) {
    const page = typeof next === "string" ? await load(next) : (next as Json);
    take(page);
    next = idOf(page.next);
  }
  return [...new Set(ids)];
}
