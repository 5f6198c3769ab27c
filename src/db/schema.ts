// Kysely table types. Migrations in migrations/ are the source of truth; keep
// these in step with them.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { TaskCommand, TaskHistoryEntry, TaskStatusDef } from "../domain/task.rules.ts";
import type { MastodonTables } from "./schema.mastodon.ts";
import type { ChannelTables } from "./schema.channels.ts";

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string, string>;
type NullableJson<T = unknown> = ColumnType<T | null, string | null | undefined, string | null>;

export interface ActorsTable {
  id: string;
  uri: string;
  type: string;
  username: string;
  domain: string;
  is_local: boolean;
  name: string | null;
  summary: string | null;
  url: string | null;
  icon_url: string | null;
  inbox_url: string | null;
  shared_inbox_url: string | null;
  outbox_url: string | null;
  followers_url: string | null;
  following_url: string | null;
  locked: Generated<boolean>;
  raw: NullableJson;
  fetched_at: NullableTimestamp;
  gone_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  header_url: string | null;
  /** Profile fields (PropertyValue), in order; values are plain text. */
  fields: NullableJson<ProfileField[]>;
}

export interface ProfileField {
  name: string;
  value: string;
}

export interface UsersTable {
  id: string;
  actor_id: string;
  username: string;
  email: string | null;
  password_hash: string | null;
  role: "admin" | "moderator" | "member";
  audience: "employee" | "customer" | "partner" | "supplier" | "other";
  suspended_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Migration 0090: set when the address was verified by its link; bounces mark it. */
  email_verified_at: NullableTimestamp;
  email_bounced_at: NullableTimestamp;
}

export interface ActorKeysTable {
  actor_id: string;
  algorithm: "rsa" | "ed25519";
  public_jwk: Json<JsonWebKey>;
  private_jwk: Json<JsonWebKey>;
  created_at: CreatedAt;
}

export interface FollowsTable {
  id: string;
  follower_id: string;
  followee_id: string;
  state: "pending" | "accepted";
  activity_uri: string;
  created_at: CreatedAt;
  accepted_at: NullableTimestamp;
}

export interface InboxActivitiesTable {
  /** The origin of the actor that said it: ids are unique per origin, never across. */
  origin: string;
  activity_uri: string;
  type: string;
  actor_uri: string;
  received_at: CreatedAt;
}

export interface ApiTokensTable {
  id: string;
  /** Null for app-level tokens (client_credentials). */
  user_id: string | null;
  /** The OAuth app that obtained the token; null for CLI-minted tokens. */
  app_id: ColumnType<string | null, string | null | undefined, string | null>;
  refresh_token_hash: ColumnType<string | null, string | null | undefined, string | null>;
  token_hash: string;
  scopes: string;
  label: string | null;
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface InstanceSettingsTable {
  key: string;
  value: Json;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface FedifyKvTable {
  key: string[];
  value: Json;
  expires_at: NullableTimestamp;
}

export interface FedifyQueueTable {
  id: Generated<number>;
  queue: string;
  message: Json;
  ordering_key: string | null;
  supersede_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** Waiting behind an earlier message with the same ordering key (migration 0100). */
  blocked: ColumnType<boolean, boolean | undefined, boolean>;
  available_at: ColumnType<Date, Date | string | undefined, Date | string>;
  locked_until: NullableTimestamp;
  locked_by: string | null;
  attempts: Generated<number>;
  created_at: CreatedAt;
}

export interface OutboxEventsTable {
  id: Generated<number>;
  type: string;
  payload: Json;
  created_at: CreatedAt;
  claimed_until: NullableTimestamp;
  attempts: Generated<number>;
  last_error: string | null;
  processed_at: NullableTimestamp;
  /** When the webhook fan-out looked at the event (migration 0061). */
  webhooks_at: NullableTimestamp;
  /** Random: the id of the activity this event becomes (/activities/{key}), never guessable. */
  activity_key: Generated<string>;
}

export interface GroupsTable {
  actor_id: string;
  visibility: "public" | "members_only" | "secret";
  join_policy: "open" | "approval" | "invite";
  created_by: string | null;
  created_at: CreatedAt;
  /** Questions (Q&A) allowed in the group (migration 0043). */
  questions_enabled: Generated<boolean>;
  /** Members (not only moderators) may see the group's insights (migration 0083). */
  members_see_insights: Generated<boolean>;
}

export interface GroupRolesTable {
  group_id: string;
  member_id: string;
  role: "owner" | "moderator";
}

export interface GroupBansTable {
  group_id: string;
  member_id: string;
  reason: string | null;
  created_at: CreatedAt;
}

export interface GroupInvitesTable {
  group_id: string;
  invitee_id: string;
  invited_by: string | null;
  created_at: CreatedAt;
}

export interface PostsTable {
  id: string;
  uri: string;
  author_id: string;
  group_id: string | null;
  in_reply_to_uri: string | null;
  thread_uri: string;
  type: string;
  title: string | null;
  content_html: string;
  source_text: string | null;
  summary: string | null;
  sensitive: Generated<boolean>;
  language: string | null;
  url: string | null;
  visibility: "public" | "unlisted" | "private" | "direct" | "members_only";
  is_local: boolean;
  locked: Generated<boolean>;
  published_at: Timestamp;
  edited_at: NullableTimestamp;
  raw: NullableJson;
  created_at: CreatedAt;
}

export interface PostEditsTable {
  id: string;
  post_id: string;
  title: string | null;
  content_html: string;
  edited_at: Timestamp;
}

export interface LikesTable {
  post_id: string;
  actor_id: string;
  activity_uri: string;
  created_at: CreatedAt;
  /** This vote counts on its idea's board (the voter is a member; migration 0099). */
  counted: Generated<boolean>;
}

export interface PostMentionsTable {
  post_id: string;
  actor_uri: string;
}

export interface PostTagsTable {
  post_id: string;
  tag: string;
}

export interface TombstonesTable {
  uri: string;
  deleted_at: CreatedAt;
  post_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Who could see the deleted post (streaming tells only them). */
  author_id: ColumnType<string | null, string | null | undefined, string | null>;
  group_id: ColumnType<string | null, string | null | undefined, string | null>;
  visibility: ColumnType<PostRow["visibility"] | null, PostRow["visibility"] | null | undefined, PostRow["visibility"] | null>;
}

export interface InstancePoliciesTable {
  host: string;
  policy: "allow" | "block" | "limited";
  note: string | null;
  created_at: CreatedAt;
}

export interface ReportsTable {
  id: string;
  activity_uri: string;
  reporter_id: string;
  target_id: string | null;
  group_id: string | null;
  post_uris: ColumnType<string[], string | undefined, string>;
  comment: string | null;
  is_local: boolean;
  created_at: CreatedAt;
  resolved_at: NullableTimestamp;
}

export interface PostSharesTable {
  id: string;
  post_id: string;
  group_id: string;
  sharer_id: string;
  activity_uri: string;
  created_at: CreatedAt;
}

export interface OAuthAppsTable {
  id: string;
  client_id: string;
  client_secret_hash: string;
  name: string;
  website: string | null;
  redirect_uris: ColumnType<string[], string, string>;
  scopes: string;
  created_at: CreatedAt;
}

export interface OAuthCodesTable {
  code_hash: string;
  app_id: string;
  user_id: string;
  redirect_uri: string;
  scopes: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  last_seen_at: NullableTimestamp;
}

export interface NotificationsTable {
  id: string;
  recipient_id: string;
  type: string;
  from_id: string;
  post_id: string | null;
  created_at: CreatedAt;
  dismissed_at: NullableTimestamp;
  /** The group a join request is for (migration 0050). */
  group_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface BookmarksTable {
  id: string;
  actor_id: string;
  post_id: string;
  created_at: CreatedAt;
}

export interface MarkersTable {
  actor_id: string;
  timeline: string;
  last_read_id: string;
  version: Generated<number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ReblogsTable {
  id: string;
  post_id: string;
  actor_id: string;
  activity_uri: string;
  created_at: CreatedAt;
}

export interface MediaAttachmentsTable {
  id: string;
  owner_id: string;
  post_id: string | null;
  type: string;
  mime_type: string;
  file_name: string | null;
  remote_url: string | null;
  size: number | null;
  width: number | null;
  height: number | null;
  description: string | null;
  position: Generated<number>;
  created_at: CreatedAt;
  /** The file's name as its owner uploaded it (files other than images, migration 0051). */
  original_name: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface IdeasTable {
  post_id: string;
  group_id: string;
  status: Generated<string>;
  status_reason: string | null;
  duplicate_of: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** The idea's post's published_at, set by a trigger (migration 0088). */
  proposed_at: Generated<Date | null>;
  /** Counted votes and log2 of the sum of 2^(t / 72 h) over their times, kept by triggers (migration 0099, ADR 0116). */
  votes: Generated<number>;
  rising: Generated<number>;
}

export interface IdeaStatusHistoryTable {
  id: string;
  post_id: string;
  status: string;
  reason: string | null;
  by_id: string | null;
  created_at: CreatedAt;
}

export interface TaskBoardsTable {
  group_id: string;
  statuses: Json<TaskStatusDef[]>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface TasksTable {
  id: string;
  uri: string;
  group_id: string;
  author_id: string;
  /** True on the group's home instance, which holds the truth. */
  is_home: boolean;
  title: string;
  description_html: string;
  description_source: string | null;
  status: string;
  status_label: string;
  closed: boolean;
  priority: string;
  due_date: string | null;
  labels: Json<string[]>;
  depends_on: Json<string[]>;
  history: Json<TaskHistoryEntry[]>;
  version: number;
  note_uri: string | null;
  resolved_at: NullableTimestamp;
  resolved_by_uri: string | null;
  offer_uri: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface TaskAssigneesTable {
  task_id: string;
  actor_id: string;
  state: "pending" | "accepted";
  assign_activity_uri: string | null;
  assigned_by_uri: string | null;
  created_at: CreatedAt;
}

export interface InviteLinksTable {
  id: string;
  token_hash: string;
  role: string;
  audience: string;
  created_by_id: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  used_by_username: string | null;
}

export interface OrganizationsTable {
  /** host[:port] of the instance the organization runs. */
  domain: string;
  is_local: Generated<boolean>;
  name: string | null;
  short_name: string | null;
  logo_url: string | null;
  website: string | null;
  description: string | null;
  /** The instance actor that speaks for the organization. */
  actor_uri: string | null;
  fetched_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PartnersTable {
  domain: string;
  relationship: "customer" | "partner" | "supplier" | "affiliate" | "prospect" | null;
  join_rule: ColumnType<"allow" | "approval" | "deny", "allow" | "approval" | "deny" | undefined, "allow" | "approval" | "deny">;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PersonAudiencesTable {
  actor_id: string;
  audience: "employee" | "customer" | "partner" | "supplier" | "other";
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AuditLogTable {
  id: string;
  actor_uri: string;
  actor_handle: string;
  instance: string;
  action: string;
  target: string | null;
  group_id: string | null;
  details: string | null;
  created_at: CreatedAt;
}

export interface JoinApprovalsTable {
  id: string;
  member_id: string;
  group_id: string;
  state: "pending" | "approved" | "denied";
  decided_by: string | null;
  created_at: CreatedAt;
  decided_at: NullableTimestamp;
}

export interface RoomOrganizationsTable {
  group_id: string;
  domain: string;
  state: "invited" | "accepted" | "declined" | "left";
  invite_uri: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RoomInvitationsTable {
  id: string;
  invite_uri: string;
  group_id: string;
  state: "pending" | "accepted" | "declined" | "left";
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface QuestionsTable {
  post_id: string;
  group_id: string;
  accepted_answer_uri: string | null;
  accepted_by_id: string | null;
  accepted_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface ExternalRefsTable {
  object_type: "post" | "task";
  object_id: string;
  system: string;
  external_id: string;
  url: string | null;
  created_at: CreatedAt;
}

export interface EscalationsTable {
  post_id: string;
  task_id: string;
  created_by_id: string | null;
  created_at: CreatedAt;
}

export interface WebhooksTable {
  id: string;
  owner_id: string;
  group_id: string | null;
  url: string;
  events: Json<string[]>;
  description: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: NullableTimestamp;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  failing_since: NullableTimestamp;
  created_at: CreatedAt;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_type: string;
  payload: string;
  status: ColumnType<"pending" | "delivered" | "failed", "pending" | "delivered" | "failed" | undefined, "pending" | "delivered" | "failed">;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface IdempotencyKeysTable {
  caller_id: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  content_type: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

// Tables of the Mastodon client features (pins, lists, mutes…) live in schema.mastodon.ts.
export interface Database extends MastodonTables, InsightTables, ChannelTables {
  questions: QuestionsTable;
  external_refs: ExternalRefsTable;
  escalations: EscalationsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  idempotency_keys: IdempotencyKeysTable;
  invite_links: InviteLinksTable;
  task_boards: TaskBoardsTable;
  tasks: TasksTable;
  task_assignees: TaskAssigneesTable;
  ideas: IdeasTable;
  idea_status_history: IdeaStatusHistoryTable;
  media_attachments: MediaAttachmentsTable;
  reblogs: ReblogsTable;
  notifications: NotificationsTable;
  bookmarks: BookmarksTable;
  markers: MarkersTable;
  oauth_apps: OAuthAppsTable;
  oauth_codes: OAuthCodesTable;
  sessions: SessionsTable;
  reports: ReportsTable;
  post_shares: PostSharesTable;
  instance_policies: InstancePoliciesTable;
  groups: GroupsTable;
  group_roles: GroupRolesTable;
  group_bans: GroupBansTable;
  group_invites: GroupInvitesTable;
  posts: PostsTable;
  post_edits: PostEditsTable;
  likes: LikesTable;
  post_mentions: PostMentionsTable;
  post_tags: PostTagsTable;
  tombstones: TombstonesTable;
  outbox_events: OutboxEventsTable;
  actors: ActorsTable;
  users: UsersTable;
  actor_keys: ActorKeysTable;
  follows: FollowsTable;
  inbox_activities: InboxActivitiesTable;
  api_tokens: ApiTokensTable;
  instance_settings: InstanceSettingsTable;
  fedify_kv: FedifyKvTable;
  fedify_queue: FedifyQueueTable;
  organizations: OrganizationsTable;
  partners: PartnersTable;
  person_audiences: PersonAudiencesTable;
  audit_log: AuditLogTable;
  join_approvals: JoinApprovalsTable;
  room_organizations: RoomOrganizationsTable;
  room_invitations: RoomInvitationsTable;
  peer_software: PeerSoftwareTable;
  task_changes: TaskChangesTable;
}

/** What a peer server runs, from its NodeInfo (null when it published none). */
export interface PeerSoftwareTable {
  host: string;
  software: string | null;
  version: string | null;
  checked_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type ActorRow = Selectable<ActorsTable>;
/**
 * An actor as a page of posts shows it (author, group, booster): every column
 * but `raw`, the ActivityPub document a remote actor was cached from, which no
 * serializer reads and which PGlite would otherwise parse as JSON on every row.
 */
export type ActorCard = Omit<ActorRow, "raw">;
export type NewActorRow = Insertable<ActorsTable>;
export type ActorUpdate = Updateable<ActorsTable>;
export type UserRow = Selectable<UsersTable>;
export type FollowRow = Selectable<FollowsTable>;
export type GroupRow = Selectable<GroupsTable>;
export type PostRow = Selectable<PostsTable>;
export type TaskRow = Selectable<TasksTable>;
export type MediaRow = Selectable<MediaAttachmentsTable>;
export type OutboxEventRow = Selectable<OutboxEventsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;

/** A member's change to a remote group's task, until the home answers (migration 0070). */
export interface TaskChangesTable {
  id: string;
  activity_uri: string;
  actor_id: string;
  group_id: string;
  task_uri: string | null;
  kind: string;
  command: ColumnType<TaskCommand, string, string>;
  state: "pending" | "accepted" | "refused";
  refusal_code: string | null;
  refusal_message: string | null;
  created_at: CreatedAt;
  settled_at: Date | null;
}

export type TaskChangeRow = Selectable<TaskChangesTable>;

/** Insight rollups (migration 0080), kept by triggers; see docs/insights.md. */
export interface InsightTables {
  insight_facts: { key: string; group_id: string; day: string; organization: string; audience: string; metric: string; actor_id: string };
  insight_daily: { group_id: string; day: string; metric: string; organization: string; audience: string; count: string | number };
  insight_active: { group_id: string; day: string; actor_id: string; organization: string; audience: string };
  insight_active_weeks: { group_id: string; week: string; actor_id: string; organization: string; audience: string };
  insight_last_active: { group_id: string; actor_id: string; organization: string; audience: string; last_day: string };
  insight_last_active_days: { group_id: string; last_day: string; organization: string; audience: string; people: string };
  insight_threads: {
    thread_uri: string;
    group_id: string;
    post_id: string;
    author_id: string;
    organization: string;
    audience: string;
    opened_at: Date;
    first_reply_at: Date | null;
    first_reply_organization: string | null;
  };
  insight_thread_answers: { thread_uri: string; organization: string; first_at: Date };
  /** Per-day thread rollups (migration 0082). */
  insight_thread_daily: {
    group_id: string;
    day: string;
    organization: string;
    audience: string;
    answerer: string;
    threads: string | number;
    answered: string | number;
    reply_seconds: string | number;
  };
  insight_thread_latency: { group_id: string; day: string; bucket: number; count: string | number };
  /** The same per month (migration 0086). */
  insight_thread_monthly: {
    group_id: string;
    month: string;
    organization: string;
    audience: string;
    answerer: string;
    threads: string | number;
    answered: string | number;
    reply_seconds: string | number;
  };
  /** Cross-company contacts (migration 0084). */
  insight_pair_facts: {
    key: string;
    group_id: string;
    day: string;
    kind: string;
    actor_id: string;
    organization: string;
    other_actor_id: string;
    other_organization: string;
  };
  insight_pairs_daily: { group_id: string; day: string; kind: string; organization: string; other_organization: string; count: string | number };
  segments: { id: string; owner_id: string; name: string; filter: Json; created_at: CreatedAt };
  /** Reputation levels as the group's home states them (migration 0087). */
  group_levels: { group_id: string; member_uri: string; level: string };
  group_level_marks: { group_id: string; checked_at: Date | null; stated_at: Date | null };
}
