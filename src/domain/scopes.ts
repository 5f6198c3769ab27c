// OAuth-style scopes, as Mastodon defines them. A broad scope grants its
// granular ones (`read` grants `read:accounts`, never the other way round),
// and the legacy `follow` scope grants reading and writing follows, blocks
// and mutes.
const FOLLOW_GRANTS = new Set([
  "read:follows",
  "write:follows",
  "read:blocks",
  "write:blocks",
  "read:mutes",
  "write:mutes",
]);

export function hasScope(granted: readonly string[], needed: string): boolean {
  if (granted.includes(needed)) return true;
  const [family] = needed.split(":");
  if (family !== undefined && family !== needed && granted.includes(family)) return true;
  return FOLLOW_GRANTS.has(needed) && granted.includes("follow");
}
