// Local accounts: creation (actor + user + keys in one transaction), roles,
// passwords, profiles, and the instance's own Application actor.
import {
  countUsers,
  findActorKeys,
  findUserByUsername,
  insertActorKeys,
  insertLocalActor,
  insertUser,
  listUsers as listUserRows,
  listUsersAfter,
  updateLocalActorProfile,
  updateUser,
  type UserWithActor,
} from "../../db/repos/user.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { conflict, notFound } from "../../domain/errors.ts";
import { keysetPage, type KeysetPage } from "../../domain/keyset-page.ts";
import { newId } from "../../domain/ids.ts";
import { domainOf, INSTANCE_ACTOR_IDENTIFIER, instanceActorUri, userUri } from "../../domain/uris.ts";
import { checkPasswordStrength, normalizeUsername, parseAudience, parseRole, type Audience, type Role } from "../../domain/user.rules.ts";
import type { ServiceContext } from "../context.ts";
import { commitAndWake } from "../commit.ts";
import { cliActor, recordAudit, type AuditActor } from "../organizations/audit.service.ts";
import { generateActorKeyPairs } from "../keys.ts";
import { deleteSessionsOfUser } from "../../db/repos/oauth-app.repo.ts";
import { revokeTokensOfUser } from "../../db/repos/token.repo.ts";
import { dummyPasswordHash, hashPassword, needsRehash, randomPassword, verifyPassword } from "./password.ts";

export interface LocalUser {
  id: string;
  actorId: string;
  username: string;
  displayName: string | null;
  bio: string | null;
  email: string | null;
  role: Role;
  audience: Audience;
  locked: boolean;
  suspended: boolean;
  uri: string;
  createdAt: Date;
}

export function toLocalUser(row: UserWithActor): LocalUser {
  return {
    id: row.id,
    actorId: row.actor_id,
    username: row.username,
    displayName: row.actor.name,
    bio: row.actor.summary,
    email: row.email,
    role: row.role,
    audience: row.audience,
    locked: row.actor.locked,
    suspended: row.suspended_at !== null,
    uri: row.actor.uri,
    createdAt: row.created_at,
  };
}

export interface CreateUserInput {
  username: string;
  password?: string | undefined;
  displayName?: string | undefined;
  bio?: string | undefined;
  role?: string | undefined;
  audience?: string | undefined;
  email?: string | undefined;
  locked?: boolean | undefined;
  /** The admin who creates the account (audited); absent for sign-ups and invitations. */
  createdBy?: AuditActor | undefined;
}

function actorUrls(uri: string, origin: URL) {
  return {
    url: uri,
    inbox_url: `${uri}/inbox`,
    outbox_url: `${uri}/outbox`,
    followers_url: `${uri}/followers`,
    following_url: `${uri}/following`,
    shared_inbox_url: new URL("/inbox", origin).href,
  };
}

export async function createUser(ctx: ServiceContext, input: CreateUserInput): Promise<LocalUser> {
  const username = normalizeUsername(input.username);
  const role = parseRole(input.role ?? "member");
  const audience = parseAudience(input.audience ?? "employee");
  if (input.password !== undefined) checkPasswordStrength(input.password);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  const keys = await generateActorKeyPairs();
  const uri = userUri(ctx.origin, username);

  await ctx.db.transaction().execute(async (trx) => {
    const actor = await insertLocalActor(trx, {
      id: newId(),
      uri,
      type: "Person",
      username,
      domain: domainOf(ctx.origin),
      is_local: true,
      name: input.displayName?.trim() || null,
      summary: input.bio?.trim() || null,
      icon_url: null,
      locked: input.locked ?? false,
      raw: null,
      fetched_at: null,
      gone_at: null,
      ...actorUrls(uri, ctx.origin),
    });
    if (!actor) throw conflict(`The username "${username}" is taken`);
    const user = await insertUser(trx, {
      id: newId(),
      actor_id: actor.id,
      username,
      email: input.email?.trim() || null,
      password_hash: passwordHash,
      role,
      audience,
    });
    if (!user) throw conflict(`The username "${username}" is taken`);
    await insertActorKeys(trx, actor.id, [
      { algorithm: "rsa", ...keys.rsa },
      { algorithm: "ed25519", ...keys.ed25519 },
    ]);
    if (input.createdBy) await recordAudit(trx, input.createdBy, { action: "user.created", target: handleOf(ctx, username), details: { role, audience } });
  });
  const created = await findUserByUsername(ctx.db, username);
  return toLocalUser(created!);
}

async function requireUser(ctx: ServiceContext, username: string): Promise<UserWithActor> {
  const row = await findUserByUsername(ctx.db, username.trim().toLowerCase());
  if (!row) throw notFound(`No user "${username}"; see \`ecotone user list\``);
  return row;
}

export async function listUsers(ctx: ServiceContext): Promise<LocalUser[]> {
  return (await listUserRows(ctx.db)).map(toLocalUser);
}

/** One page of the instance's people, by username, read as a page from the database. */
export async function pageUsers(ctx: ServiceContext, after: string | undefined, size: number): Promise<KeysetPage<LocalUser>> {
  const rows = await listUsersAfter(ctx.db, after, size + 1);
  return keysetPage(rows.map(toLocalUser), size, (u) => u.username);
}

export async function getUserByUsername(ctx: ServiceContext, username: string): Promise<LocalUser | null> {
  const row = await findUserByUsername(ctx.db, username.trim().toLowerCase());
  return row ? toLocalUser(row) : null;
}

// Account administration is audited in the change's transaction; `by` is the
// admin who did it (the web's admin pages), or the admin CLI when not given.
export async function setRole(ctx: ServiceContext, username: string, role: string, by: AuditActor = cliActor(ctx)): Promise<LocalUser> {
  const user = await requireUser(ctx, username);
  const parsed = parseRole(role);
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { role: parsed });
    await recordAudit(trx, by, { action: "user.role_changed", target: handleOf(ctx, user.username), details: { role: parsed } });
  });
  return toLocalUser((await findUserByUsername(ctx.db, user.username))!);
}

export async function setAudience(ctx: ServiceContext, username: string, audience: string, by: AuditActor = cliActor(ctx)): Promise<LocalUser> {
  const user = await requireUser(ctx, username);
  const parsed = parseAudience(audience);
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { audience: parsed });
    await recordAudit(trx, by, { action: "user.audience_set", target: handleOf(ctx, user.username), details: { audience: parsed } });
  });
  return toLocalUser((await findUserByUsername(ctx.db, user.username))!);
}

/** A suspended account cannot sign in, and its sessions and tokens stop working. */
export async function setSuspended(ctx: ServiceContext, username: string, suspended: boolean, by: AuditActor = cliActor(ctx)): Promise<LocalUser> {
  const user = await requireUser(ctx, username);
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { suspended_at: suspended ? new Date() : null });
    await recordAudit(trx, by, { action: suspended ? "user.suspended" : "user.unsuspended", target: handleOf(ctx, user.username) });
  });
  return toLocalUser((await findUserByUsername(ctx.db, user.username))!);
}

function handleOf(ctx: ServiceContext, username: string): string {
  return `@${username}@${domainOf(ctx.origin)}`;
}

/**
 * Sets a new password and signs the account out everywhere: every session
 * (but `keepSessionIdHash`, the one changing its own password) and every API
 * and app token, in the same transaction. Whoever knew the old password, or
 * holds a token minted with it, is out.
 */
export async function setPassword(
  ctx: ServiceContext,
  username: string,
  password: string,
  options: { keepSessionIdHash?: string } = {},
): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const user = await requireUser(ctx, username);
  checkPasswordStrength(password);
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { password_hash: passwordHash });
    const sessionsEnded = await deleteSessionsOfUser(trx, user.id, options.keepSessionIdHash);
    const tokensRevoked = await revokeTokensOfUser(trx, user.id);
    return { sessionsEnded, tokensRevoked };
  });
}

/** Changes the public profile and tells followers (Update) through the outbox. */
export async function updateProfile(
  ctx: ServiceContext,
  username: string,
  changes: { displayName?: string | null; bio?: string | null; locked?: boolean },
): Promise<LocalUser> {
  const user = await requireUser(ctx, username);
  await commitAndWake(ctx, async (trx) => {
    await updateLocalActorProfile(trx, user.actor_id, {
      ...(changes.displayName !== undefined ? { name: changes.displayName?.trim() || null } : {}),
      ...(changes.bio !== undefined ? { summary: changes.bio?.trim() || null } : {}),
      ...(changes.locked !== undefined ? { locked: changes.locked } : {}),
    });
    await recordOutboxEvent(trx, { type: "actor.updated", actorId: user.actor_id });
  });
  return toLocalUser((await findUserByUsername(ctx.db, user.username))!);
}

/**
 * Returns the user when the password matches; takes as long for unknown
 * users. A hash made with older, weaker parameters is replaced by one made
 * with today's, transparently (the password is at hand only now).
 * Sign-in forms go through signIn (sign-in.service.ts), which limits guessing.
 */
export async function verifyCredentials(ctx: ServiceContext, username: string, password: string): Promise<LocalUser | null> {
  const row = await findUserByUsername(ctx.db, username.trim().toLowerCase());
  const ok = await verifyPassword(password, row?.password_hash ?? (await dummyPasswordHash()));
  if (!row || !row.password_hash || !ok || row.suspended_at) return null;
  if (needsRehash(row.password_hash)) {
    await updateUser(ctx.db, row.id, { password_hash: await hashPassword(password) });
    ctx.logger.info({ user: row.username }, "password hash upgraded to the current scrypt parameters");
  }
  return toLocalUser(row);
}

/** The instance's Application actor, created once; safe to call at every start. */
export async function ensureInstanceActor(ctx: ServiceContext): Promise<void> {
  const uri = instanceActorUri(ctx.origin);
  if (await findActorByUri(ctx.db, uri)) return;
  const keys = await generateActorKeyPairs();
  await ctx.db.transaction().execute(async (trx) => {
    const actor = await insertLocalActor(trx, {
      id: newId(),
      uri,
      type: "Application",
      username: INSTANCE_ACTOR_IDENTIFIER,
      domain: domainOf(ctx.origin),
      is_local: true,
      name: ctx.instanceName,
      summary: null,
      icon_url: null,
      locked: true,
      raw: null,
      fetched_at: null,
      gone_at: null,
      ...actorUrls(uri, ctx.origin),
    });
    // Another process won the race: its keys stand.
    if (!actor) return;
    await insertActorKeys(trx, actor.id, [
      { algorithm: "rsa", ...keys.rsa },
      { algorithm: "ed25519", ...keys.ed25519 },
    ]);
  });
}

/** On an empty instance, creates `admin` with a random password (returned once). */
export async function bootstrapAdmin(ctx: ServiceContext): Promise<{ username: string; password: string } | null> {
  if ((await countUsers(ctx.db)) > 0) return null;
  const password = randomPassword();
  try {
    await createUser(ctx, { username: "admin", password, role: "admin", audience: "employee", displayName: "Administrator" });
  } catch (error) {
    // Two processes starting at once: the other one created it.
    if ((error as { code?: string }).code === "conflict") return null;
    throw error;
  }
  return { username: "admin", password };
}

export async function getActorKeys(ctx: ServiceContext, actorId: string) {
  return findActorKeys(ctx.db, actorId);
}
