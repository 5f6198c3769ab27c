// Invitation links: an administrator creates one (with the role and audience
// the newcomer will have); the newcomer opens it once, within a week, and
// chooses a username and password.
import { createHash, randomBytes } from "node:crypto";
import { keysetPage } from "../../domain/keyset-page.ts";
import { claimInvite, findUsableInvite, insertInviteLink, listInviteLinks, releaseInvite } from "../../db/repos/invite.repo.ts";
import { findUserById, findUserByUsername } from "../../db/repos/user.repo.ts";
import { notFound } from "../../domain/errors.ts";
import { newId } from "../../domain/ids.ts";
import { parseAudience, parseRole } from "../../domain/user.rules.ts";
import type { ServiceContext } from "../context.ts";
import { auditActorOf, recordAudit } from "../organizations/audit.service.ts";
import { createUser, type LocalUser } from "../accounts/user.service.ts";

const VALID_DAYS = 7;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export async function createInviteLink(
  ctx: ServiceContext,
  adminUsername: string,
  input: { role?: string | undefined; audience?: string | undefined },
): Promise<{ url: string; expiresAt: Date }> {
  const admin = await findUserByUsername(ctx.db, adminUsername);
  if (!admin) throw notFound(`No user ${adminUsername}`);
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Date.now() + VALID_DAYS * 86_400_000);
  const role = parseRole(input.role ?? "member");
  const audience = parseAudience(input.audience ?? "employee");
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await insertInviteLink(trx, { id, tokenHash: sha256(token), role, audience, createdById: admin.id, expiresAt });
    // The link itself is a secret: the log names it by id, with what it grants.
    await recordAudit(trx, auditActorOf(admin.actor), {
      action: "invite.created",
      target: id,
      details: { role, audience, expiresAt: expiresAt.toISOString() },
    });
  });
  return { url: new URL(`/join/${token}`, ctx.origin).href, expiresAt };
}

export async function isInviteUsable(ctx: ServiceContext, token: string): Promise<boolean> {
  return (await findUsableInvite(ctx.db, sha256(token))) !== undefined;
}

/** What the join page tells a newcomer: who invited them, until when; null once the link is used up. */
export async function describeInvite(ctx: ServiceContext, token: string): Promise<{ invitedBy: string | null; expiresAt: Date } | null> {
  const invite = await findUsableInvite(ctx.db, sha256(token));
  if (!invite) return null;
  const by = invite.created_by_id ? await findUserById(ctx.db, invite.created_by_id) : undefined;
  return { invitedBy: by ? (by.actor.name ?? `@${by.username}`) : null, expiresAt: invite.expires_at };
}

export async function redeemInvite(
  ctx: ServiceContext,
  token: string,
  input: { username: string; password: string; displayName?: string | undefined },
): Promise<LocalUser> {
  const invite = await findUsableInvite(ctx.db, sha256(token));
  if (!invite || !(await claimInvite(ctx.db, invite.id, input.username))) {
    throw notFound("This invitation link is used up or has expired; ask for a new one");
  }
  try {
    return await createUser(ctx, { ...input, role: invite.role, audience: invite.audience });
  } catch (error) {
    // The name was taken or the password too short: the link stays usable.
    await releaseInvite(ctx.db, invite.id);
    throw error;
  }
}

/** One page of invitation links, newest first, read as a page (LIMIT n+1) before the link `before`. */
export async function pageInviteLinks(ctx: ServiceContext, before: string | undefined, size: number) {
  const rows = await listInviteLinks(ctx.db, { before, limit: size + 1 });
  const views = rows.map((i) => ({
    id: i.id,
    createdAt: i.created_at,
    expiresAt: i.expires_at,
    role: i.role,
    audience: i.audience,
    usedBy: i.used_by_username,
  }));
  return keysetPage(views, size, (i) => i.id);
}
