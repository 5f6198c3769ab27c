// Kysely table types of the channels (mail, push, notification preferences).
// Kept apart from schema.ts; migration 0090 is their source of truth.
import type { ColumnType } from "kysely";

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export type MailStatus = "pending" | "sent" | "kept" | "failed";

export interface MailOutboxTable {
  id: string;
  to_address: string;
  recipient_id: string | null;
  purpose: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: Json<Record<string, string>>;
  status: MailStatus;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  locked_until: NullableTimestamp;
  sent_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface MailTokensTable {
  token_hash: string;
  user_id: string;
  purpose: "verify" | "reset";
  email: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface NotificationPreferencesTable {
  actor_id: string;
  kind: string;
  email: boolean;
}

export interface NotificationChannelsTable {
  notification_id: string;
  recipient_id: string;
  created_at: CreatedAt;
  mailed_at: NullableTimestamp;
  pushed_at: NullableTimestamp;
}

export interface PushSubscriptionsTable {
  id: string;
  /** The Mastodon app's token; null for a browser's subscription (migration 0095). */
  token_id: string | null;
  /** The browser session of our web interface's subscription (migration 0095). */
  session_hash: ColumnType<string | null, string | null | undefined, string | null>;
  actor_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  alerts: Json<Record<string, boolean>>;
  policy: ColumnType<string, string | undefined, string>;
  failures: ColumnType<number, number | undefined, number>;
  /** The access token it was made with, sealed (migration 0094, ADR 0092). */
  access_token_sealed: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export interface OidcLoginsTable {
  state: string;
  nonce: string;
  code_verifier: string;
  next_path: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface OidcIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: CreatedAt;
}

export interface DigestSettingsTable {
  actor_id: string;
  frequency: "daily" | "weekly" | "off";
  time_zone: string;
  hour: number;
  last_sent_at: NullableTimestamp;
}

/** Who was told that a task is due, for which due date (migration 0093). */
export interface TaskDueNoticesTable {
  task_id: string;
  actor_id: string;
  due_date: string;
  created_at: CreatedAt;
}

export interface ChannelTables {
  digest_settings: DigestSettingsTable;
  task_due_notices: TaskDueNoticesTable;
  oidc_logins: OidcLoginsTable;
  oidc_identities: OidcIdentitiesTable;
  mail_outbox: MailOutboxTable;
  mail_tokens: MailTokensTable;
  notification_preferences: NotificationPreferencesTable;
  notification_channels: NotificationChannelsTable;
  push_subscriptions: PushSubscriptionsTable;
}
