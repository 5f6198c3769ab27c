// Kysely table types of the Mastodon client features: pins, lists, mutes,
// blocks, domain blocks, followed and featured tags, filters. Kept apart from
// schema.ts so that file stays small; migrations 0031+ are their source of truth.
import type { ColumnType } from "kysely";

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface StatusPinsTable {
  id: string;
  actor_id: string;
  post_id: string;
  created_at: CreatedAt;
}

export interface MastodonTables {
  status_pins: StatusPinsTable;
}
