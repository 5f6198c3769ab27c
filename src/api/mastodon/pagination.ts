// Mastodon-style paging: max_id / since_id / min_id / limit in, a Link
// header with next and prev out.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { PageBounds } from "../../services/posts/timeline.service.ts";

export function pageBounds(request: FastifyRequest, defaultLimit = 20, maxLimit = 40): PageBounds {
  const q = request.query as Record<string, string | undefined>;
  const limit = Math.min(Math.max(Number.parseInt(q.limit ?? "", 10) || defaultLimit, 1), maxLimit);
  return { maxId: q.max_id || undefined, sinceId: q.since_id || undefined, minId: q.min_id || undefined, limit };
}

export function setLinkHeader(request: FastifyRequest, reply: FastifyReply, origin: URL, ids: string[]): void {
  if (ids.length === 0) return;
  const base = new URL(request.url, origin);
  const next = new URL(base);
  next.search = "";
  const prev = new URL(next);
  for (const [key, value] of base.searchParams) {
    if (["max_id", "since_id", "min_id"].includes(key)) continue;
    next.searchParams.append(key, value);
    prev.searchParams.append(key, value);
  }
  next.searchParams.set("max_id", ids.at(-1)!);
  prev.searchParams.set("min_id", ids[0]!);
  reply.header("link", `<${next.href}>; rel="next", <${prev.href}>; rel="prev"`);
}

/**
 * A list paged by max_id (blocks, mutes, domain blocks, followed tags): one
 * page read with `read`, the Link header from each row's paging id, and the
 * rows as `render` shows them.
 */
export async function pagedList<Row, Out>(
  request: FastifyRequest,
  reply: FastifyReply,
  origin: URL,
  limits: { default: number; max: number },
  read: (page: { maxId: string | undefined; limit: number }) => Promise<Row[]>,
  pagingId: (row: Row) => string,
  render: (rows: Row[]) => Out | Promise<Out>,
): Promise<Out> {
  const bounds = pageBounds(request, limits.default, limits.max);
  const rows = await read({ maxId: bounds.maxId, limit: bounds.limit });
  setLinkHeader(request, reply, origin, rows.map(pagingId));
  return render(rows);
}
