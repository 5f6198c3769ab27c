// The columns of an actor a page of posts reads (ActorCard): all but `raw`.
// A record rather than a list, so that a column added to `actors` fails to
// compile here until someone decides whether pages need it.
import type { ActorCard } from "../schema.ts";

const CARD: Record<keyof ActorCard, true> = {
  id: true,
  uri: true,
  type: true,
  username: true,
  domain: true,
  is_local: true,
  name: true,
  summary: true,
  url: true,
  icon_url: true,
  inbox_url: true,
  shared_inbox_url: true,
  outbox_url: true,
  followers_url: true,
  following_url: true,
  locked: true,
  fetched_at: true,
  gone_at: true,
  created_at: true,
  updated_at: true,
  header_url: true,
  fields: true,
};

export const ACTOR_CARD_COLUMNS = Object.keys(CARD).map((column) => `actors.${column}` as `actors.${keyof ActorCard}`);
