// The kinds of notification a person can get by email, and which kind a
// recorded notification is. Pure: the mail worker and the preference page and
// API all ask here, so the list exists once.
import { STATUS_TAG_PREFIX } from "./idea.rules.ts";
import { ACCEPTED_TAG } from "./question.rules.ts";
import { readTaskNote } from "./task-note.ts";

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
 * What a group's own note says, for the people it names. A group reports its
 * work as replies in the thread (a task's note, an idea, a question), and those
 * replies reach people as mentions, on every instance alike; these facts make
 * such a mention the kind it really is. The task texts are read by the same
 * table that writes them (`readTaskNote` in task-note.ts).
 */
export type GroupNoteRole = "assignment_asked" | "assigned" | "idea_answered" | "accepted_answer";

export function groupNoteRole(note: { tags: readonly string[]; text: string }): GroupNoteRole | null {
  if (note.tags.some((t) => t.startsWith(STATUS_TAG_PREFIX))) return "idea_answered";
  if (note.tags.includes(ACCEPTED_TAG)) return "accepted_answer";
  const task = readTaskNote(note.text)?.kind;
  return task === "assignment_asked" || task === "assigned" ? task : null;
}

export interface MentionFacts {
  /** The post answers one of the recipient's own posts. */
  repliesToRecipient: boolean;
  /** The post is its group's own note, with this role (null: an ordinary group note). */
  groupNote?: GroupNoteRole | null;
  /** The notification names the group itself as its cause, not a person. */
  fromGroup?: boolean;
}

/**
 * The email kind of a notification, or null when it is never mailed
 * (favourites, boosts and follows stay in the app). A "mention" whose post
 * answers one of the recipient's own posts is a reply; one in a group's note
 * is what the note reports.
 */
export function emailKindOf(type: string, facts: MentionFacts | boolean): EmailKind | null {
  const f: MentionFacts = typeof facts === "boolean" ? { repliesToRecipient: facts } : facts;
  if (type === "mention") {
    switch (f.groupNote) {
      case "idea_answered":
        return "idea_answered";
      case "assignment_asked":
        return "assignment";
      // "X is assigned" naming someone, caused by the group rather than a
      // person, is the home instance telling X's instance that X took the task:
      // their own action, not news for them.
      case "assigned":
        return f.fromGroup ? null : "assignment";
      // The accepted answer's author gets an "accepted_answer" notification of
      // its own wherever the acceptance is recorded; the note adds nothing.
      case "accepted_answer":
        return null;
      default:
        return f.repliesToRecipient ? "reply" : "mention";
    }
  }
  const direct: Record<string, EmailKind> = {
    join_request: "join_request",
    assignment: "assignment",
    task_due: "task_due",
    idea_answered: "idea_answered",
    accepted_answer: "accepted_answer",
  };
  return direct[type] ?? null;
}
