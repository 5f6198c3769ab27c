// Invitations by email: an administrator's invitation link, mailed to the
// person invited (through the mail outbox, like every mail).
import type { ServiceContext } from "../context.ts";
import { createInviteLink } from "../groups/invite.service.ts";
import { normalizeEmail } from "./mail-account.service.ts";
import { queueMail } from "./mail.service.ts";

export async function inviteByEmail(
  ctx: ServiceContext,
  adminUsername: string,
  input: { email: string; role?: string | undefined; audience?: string | undefined },
): Promise<{ email: string; url: string; expiresAt: Date }> {
  const email = normalizeEmail(input.email);
  const invite = await createInviteLink(ctx, adminUsername, { role: input.role, audience: input.audience });
  await queueMail(ctx.db, {
    to: email,
    recipientId: null,
    purpose: "invitation",
    subject: `You are invited to ${ctx.instanceName}`,
    content: {
      greeting: "Hello,",
      paragraphs: [
        `@${adminUsername} invites you to ${ctx.instanceName}, where we work together with our partners.`,
        `Open the link to choose your username and password. It works once, until ${invite.expiresAt.toUTCString()}.`,
      ],
      action: { label: "Accept the invitation", url: invite.url },
      footer: { instanceName: ctx.instanceName },
    },
  });
  return { email, ...invite };
}
