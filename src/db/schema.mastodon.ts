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

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface AccountMutesTable {
  id: string;
  actor_id: string;
  target_id: string;
  hide_notifications: ColumnType<boolean, boolean | undefined, boolean>;
  expires_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface AccountBlocksTable {
  id: string;
  actor_id: string;
  target_id: string;
  /** The Block activity sent (a block made here) or received (a block made elsewhere). */
  activity_uri: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export interface AccountDomainBlocksTable {
  id: string;
  actor_id: string;
  domain: string;
  created_at: CreatedAt;
}

export interface ListsTable {
  id: string;
  actor_id: string;
  title: string;
  replies_policy: ColumnType<"followed" | "list" | "none", "followed" | "list" | "none" | undefined, "followed" | "list" | "none">;
  exclusive: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface ListAccountsTable {
  list_id: string;
  account_id: string;
  created_at: CreatedAt;
}

export interface TagFollowsTable {
  id: string;
  actor_id: string;
  tag: string;
  created_at: CreatedAt;
}

export interface FeaturedTagsTable {
  id: string;
  actor_id: string;
  tag: string;
  created_at: CreatedAt;
}

export interface FiltersTable {
  id: string;
  actor_id: string;
  title: string;
  contexts: ColumnType<string[], string, string>;
  action: string;
  expires_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface FilterKeywordsTable {
  id: string;
  filter_id: string;
  keyword: string;
  whole_word: boolean;
}

export interface FilterStatusesTable {
  id: string;
  filter_id: string;
  post_id: string;
}

export interface ConversationsTable {
  id: string;
  owner_id: string;
  thread_uri: string;
  unread: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PollsTable {
  post_id: string;
  options: ColumnType<string[], string, string>;
  multiple: ColumnType<boolean, boolean | undefined, boolean>;
  hide_totals: ColumnType<boolean, boolean | undefined, boolean>;
  expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  remote_counts: ColumnType<number[] | null, string | null | undefined, string | null>;
  remote_voters: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
}

export interface PollVotesTable {
  id: string;
  post_id: string;
  voter_id: string;
  choice: number;
  activity_uri: string | null;
  created_at: CreatedAt;
}

export interface MastodonTables {
  polls: PollsTable;
  poll_votes: PollVotesTable;
  conversations: ConversationsTable;
  filters: FiltersTable;
  filter_keywords: FilterKeywordsTable;
  filter_statuses: FilterStatusesTable;
  tag_follows: TagFollowsTable;
  featured_tags: FeaturedTagsTable;
  lists: ListsTable;
  list_accounts: ListAccountsTable;
  status_pins: StatusPinsTable;
  account_mutes: AccountMutesTable;
  account_blocks: AccountBlocksTable;
  account_domain_blocks: AccountDomainBlocksTable;
}
