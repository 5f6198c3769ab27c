// The kinds of notification a person can get by email, and which kind a
// recorded notification is. Pure: the mail worker and the preference page and
// API all ask here, so the list exists once.

export const EMAIL_KINDS = ["mention", "reply", "assignment", "task_due", "idea_answered", "join_request", "accepted_answer"] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export const EMAIL_KIND_LABELS: Record<EmailKind, string> = {
  mention: "Someone mentions you",
  reply: "Someone replies to you",
  assignment: "A task is assigned to you",
  task_due: "A task of yours is due",
  idea_answered: "An idea of yours is answered",
  join_request: "Someone asks to join a group you moderate",
  accepted_answer: "Your answer is accepted",
};

/** Every kind is mailed unless the person turned it off. */
export function emailWanted(kind: EmailKind, stored: ReadonlyMap<string, boolean>): boolean {
  return stored.get(kind) ?? true;
}

export function isEmailKind(value: string): value is EmailKind {
  return (EMAIL_KINDS as readonly string[]).includes(value);
}

/**
 * The email kind of a notification, or null when it is never mailed
 * (favourites, boosts and follows stay in the app). A "mention" whose post
 * answers one of the recipient's own posts is a reply.
 */
export function emailKindOf(type: string, repliesToRecipient: boolean): EmailKind | null {
  if (type === "mention") return repliesToRecipient ? "reply" : "mention";
  const direct: Record<string, EmailKind> = {
    join_request: "join_request",
    assignment: "assignment",
    task_due: "task_due",
    idea_answered: "idea_answered",
    accepted_answer: "accepted_answer",
  };
  return direct[type] ?? null;
}
