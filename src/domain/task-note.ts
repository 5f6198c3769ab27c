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

export function statusChangeText(change: { byHandle: string; fromLabel: string; toLabel: string }): string {
  return `Status: ${change.fromLabel} → ${change.toLabel} (by ${change.byHandle})`;
}
