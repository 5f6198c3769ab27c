// The companion Note of a task: what Mastodon, Lemmy and any other server
// show of it. Plain text with handles (linked as mentions when rendered) and
// a checkbox that is ticked once the task is resolved.

export interface TaskNoteFacts {
  title: string;
  statusLabel: string;
  closed: boolean;
  priority: string;
  due: string | null;
  labels: string[];
  assignees: Array<{ handle: string; pending: boolean }>;
  url: string;
  deleted?: boolean;
}

export function companionNoteText(t: TaskNoteFacts): string {
  if (t.deleted) return `☒ Task: ${t.title}\n\nThis task was deleted.`;
  const lines = [`${t.closed ? "☑" : "☐"} Task: ${t.title}`];
  const facts = [`Status: ${t.statusLabel}`];
  if (t.priority !== "normal") facts.push(`Priority: ${t.priority}`);
  if (t.due) facts.push(`Due ${t.due}`);
  lines.push(facts.join(" · "));
  const accepted = t.assignees.filter((a) => !a.pending).map((a) => a.handle);
  const pending = t.assignees.filter((a) => a.pending).map((a) => a.handle);
  if (accepted.length > 0) lines.push(`Assigned to ${accepted.join(", ")}`);
  if (pending.length > 0) lines.push(`Waiting for ${pending.join(", ")} to accept`);
  if (t.labels.length > 0) lines.push(`Labels: ${t.labels.join(", ")}`);
  return `${lines.join("\n")}\n\n${t.url}`;
}

// The notes a task's home writes in the task's thread, each beside the one
// pattern that reads it back (notification kinds, mail, the web's words):
// a note's wording changes here, in one place, for writer and readers alike.

export function statusChangeText(change: { byHandle: string; fromLabel: string; toLabel: string }): string {
  return `Status: ${change.fromLabel} → ${change.toLabel} (by ${change.byHandle})`;
}

/** Someone on another instance is asked to take a task (they consent first). */
export function assignmentAskedText(byHandle: string, assigneeHandle: string, title: string): string {
  return `${byHandle} asked ${assigneeHandle} to take this task: ${title}`;
}

/** Someone is assigned to a task (no consent needed). */
export function assignedText(assigneeHandle: string, title: string): string {
  return `${assigneeHandle} is assigned to this task: ${title}`;
}

export type TaskNoteKind = "moved" | "assignment_asked" | "assigned";

const TASK_NOTE_PATTERNS: ReadonlyArray<[TaskNoteKind, RegExp]> = [
  ["moved", /^Status: (.+?→.+?)(?: \(by .*\))?$/m],
  ["assignment_asked", / asked \S+ to take this task: (.+)$/m],
  ["assigned", / is assigned to this task: (.+)$/m],
];

/**
 * What a task note says, read back from its text: its kind and its detail
 * (the move "Open → Done", or the task's title), or null for any other text.
 */
export function readTaskNote(text: string): { kind: TaskNoteKind; detail: string } | null {
  for (const [kind, pattern] of TASK_NOTE_PATTERNS) {
    const m = pattern.exec(text);
    if (m) return { kind, detail: m[1]! };
  }
  return null;
}
