// Which queued delivery a newer one makes obsolete. Fedify's outbox messages
// carry the activity as JSON; an Update (or a group's Announce of an Update)
// of an object, to one inbox, is superseded by a later one for the same
// object and inbox: the later one carries the whole newer state. Anything
// else (a Create, a Like, a Delete…) is never dropped.

type Json = Record<string, unknown>;

function idOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as Json).id === "string") return (value as Json).id as string;
  return null;
}

function isType(value: unknown, name: string): boolean {
  if (!value || typeof value !== "object") return false;
  const type = (value as Json).type;
  return (Array.isArray(type) ? type : [type]).some((t) => typeof t === "string" && t.replace(/^.*[#/:]/, "") === name);
}

export function supersedeKeyOf(message: unknown): string | null {
  if (!message || typeof message !== "object") return null;
  const m = message as Json;
  if (m.type !== "outbox" || typeof m.inbox !== "string") return null;
  let activity = m.activity as Json | undefined;
  if (isType(activity, "Announce") && activity && typeof activity.object === "object") activity = activity.object as Json;
  if (!isType(activity, "Update")) return null;
  const objectId = idOf(activity?.object);
  return objectId ? `${m.inbox} ${objectId}` : null;
}
