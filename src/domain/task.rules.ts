// Tasks: the statuses a board offers, what a task may hold, who may change
// what, and how concurrent changes are ordered (a version number: a change
// made against an older version is refused, never merged silently).
import { conflict, forbidden, validationFailed } from "./errors.ts";
import { isModerator, type Membership } from "./group.rules.ts";

export interface TaskStatusDef {
  key: string;
  label: string;
  /** A closed status resolves the task (ForgeFed `isResolved`). */
  closed: boolean;
}

export const DEFAULT_STATUSES: readonly TaskStatusDef[] = [
  { key: "open", label: "Open", closed: false },
  { key: "in_progress", label: "In progress", closed: false },
  { key: "blocked", label: "Blocked", closed: false },
  { key: "done", label: "Done", closed: true },
  { key: "cancelled", label: "Cancelled", closed: true },
];

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type TaskPriority = (typeof PRIORITIES)[number];

export const LIMITS = { title: 200, description: 20_000, labels: 20, label: 40, dependsOn: 50, statuses: 20, assignees: 20 };

/** One line of a task's history: who changed what, when. */
export interface TaskHistoryEntry {
  at: string;
  actor: string;
  field: string;
  from: string | null;
  to: string | null;
}

export interface TaskFields {
  title?: string | undefined;
  description?: string | undefined;
  priority?: string | undefined;
  due?: string | null | undefined;
  labels?: string[] | undefined;
  dependsOn?: string[] | undefined;
}

export function checkTitle(raw: string | undefined): string {
  const title = raw?.trim() ?? "";
  if (!title) throw validationFailed("A task needs a title", { field: "title" });
  if (title.length > LIMITS.title) throw validationFailed(`A title has at most ${LIMITS.title} characters`, { field: "title" });
  return title;
}

export function checkDescription(raw: string | undefined): string {
  const text = raw ?? "";
  if (text.length > LIMITS.description) {
    throw validationFailed(`A description has at most ${LIMITS.description} characters`, { field: "description" });
  }
  return text;
}

export function checkPriority(raw: string | undefined): TaskPriority {
  if (raw === undefined || raw === "") return "normal";
  if (!(PRIORITIES as readonly string[]).includes(raw)) {
    throw validationFailed(`Priority "${raw}" is not one of ${PRIORITIES.join(", ")}`, { field: "priority" });
  }
  return raw as TaskPriority;
}

/** A due date is a calendar day (YYYY-MM-DD): deadlines between companies are days, not instants. */
export function checkDueDate(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null || raw === "") return null;
  const day = raw.slice(0, 10);
  const parsed = new Date(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day) {
    throw validationFailed(`Due date "${raw}" is not a date like 2026-12-31`, { field: "due" });
  }
  return day;
}

export function checkLabels(raw: string[] | undefined): string[] {
  const labels = [...new Set((raw ?? []).map((l) => String(l).trim()).filter(Boolean))];
  if (labels.length > LIMITS.labels) throw validationFailed(`A task has at most ${LIMITS.labels} labels`, { field: "labels" });
  const long = labels.find((l) => l.length > LIMITS.label);
  if (long) throw validationFailed(`Label "${long.slice(0, 20)}…" is longer than ${LIMITS.label} characters`, { field: "labels" });
  return labels;
}

export function checkStatuses(raw: unknown): TaskStatusDef[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > LIMITS.statuses) {
    throw validationFailed(`A board has between 1 and ${LIMITS.statuses} statuses`, { field: "statuses" });
  }
  const statuses = raw.map((s: Partial<TaskStatusDef>) => {
    const key = String(s?.key ?? "")
      .trim()
      .toLowerCase();
    if (!/^[a-z][a-z0-9_]{0,31}$/.test(key)) throw validationFailed(`Status key "${key}" must be lower-case letters, digits and _`, { field: "statuses" });
    const label =
      String(s?.label ?? key)
        .trim()
        .slice(0, 40) || key;
    return { key, label, closed: Boolean(s?.closed) };
  });
  if (new Set(statuses.map((s) => s.key)).size !== statuses.length) throw validationFailed("Status keys must be unique", { field: "statuses" });
  if (!statuses.some((s) => !s.closed)) throw validationFailed("A board needs at least one open status", { field: "statuses" });
  return statuses;
}

export function findStatus(statuses: readonly TaskStatusDef[], key: string): TaskStatusDef {
  const found = statuses.find((s) => s.key === key);
  if (!found) throw validationFailed(`Status "${key}" is not one of ${statuses.map((s) => s.key).join(", ")}`, { field: "status" });
  return found;
}

/** The status a task starts in, and returns to when reopened: the board's first open one. */
export function initialStatus(statuses: readonly TaskStatusDef[]): TaskStatusDef {
  return statuses.find((s) => !s.closed)!;
}

/** What a person is to a task, for the permission rules below. */
export interface TaskRole {
  membership: Membership | null;
  isAuthor: boolean;
  isAssignee: boolean;
}

function isAcceptedMember(m: Membership | null): boolean {
  return m?.state === "accepted";
}

export function assertCanCreateTask(m: Membership | null): void {
  if (!isAcceptedMember(m)) throw forbidden("Only members of the group can open tasks");
}

/** Title, description, due date, priority, labels, dependencies. */
export function assertCanEditTask(role: TaskRole): void {
  if (!isAcceptedMember(role.membership)) throw forbidden("Only members of the group can change tasks");
  if (!(role.isAuthor || role.isAssignee || isModerator(role.membership))) {
    throw forbidden("Only the task's author, its assignees and the group's moderators can edit it");
  }
}

export function assertCanChangeStatus(role: TaskRole): void {
  if (!isAcceptedMember(role.membership) || !(role.isAssignee || isModerator(role.membership))) {
    throw forbidden("Only the task's assignees and the group's moderators can change its status");
  }
}

export function assertCanAssign(role: TaskRole): void {
  assertCanEditTask(role);
}

export function assertCanDeleteTask(m: Membership | null): void {
  if (!isAcceptedMember(m) || !isModerator(m)) throw forbidden("Only the group's moderators can delete tasks");
}

/** Optimistic concurrency: a change names the version it was made against. */
export function assertFreshVersion(current: number, base: number | undefined): void {
  if (base === undefined) throw validationFailed("Say which version of the task you changed (version)", { field: "version" });
  if (base !== current) {
    throw conflict(`The task changed since you read it (you had version ${base}, it is now ${current}); reload and try again`, {
      currentVersion: current,
    });
  }
}

/** Overdue: a due day before today on a task that is still open. */
export function isOverdue(due: string | null, closed: boolean, today: string = new Date().toISOString().slice(0, 10)): boolean {
  return Boolean(due) && !closed && due! < today;
}

/**
 * A change to a task, as the group's home applies it — whether it came from
 * one of its own users through the API or from another instance as a
 * ForgeFed activity.
 */
export type TaskCommand =
  | { kind: "create"; fields: TaskFields & { title: string }; offerUri?: string | undefined }
  | { kind: "edit"; baseVersion: number | undefined; fields: TaskFields }
  | { kind: "status"; baseVersion: number | undefined; status: string }
  | { kind: "assign"; assigneeUri: string }
  | { kind: "unassign"; assigneeUri: string }
  | { kind: "respond"; accept: boolean }
  | { kind: "delete" };

/** What one change did, line by line, for the history. */
export function describeChanges(
  before: { title: string; description: string; priority: string; due: string | null; labels: string[]; dependsOn: string[] },
  after: { title: string; description: string; priority: string; due: string | null; labels: string[]; dependsOn: string[] },
  actor: string,
  at: string,
): TaskHistoryEntry[] {
  const entries: TaskHistoryEntry[] = [];
  const add = (field: string, from: string | null, to: string | null) => {
    if (from !== to) entries.push({ at, actor, field, from, to });
  };
  add("title", before.title, after.title);
  // A description can be long: the history says that it changed, not how.
  if (before.description !== after.description) entries.push({ at, actor, field: "description", from: null, to: null });
  add("priority", before.priority, after.priority);
  add("due", before.due, after.due);
  add("labels", before.labels.join(", ") || null, after.labels.join(", ") || null);
  add("dependsOn", before.dependsOn.join(" ") || null, after.dependsOn.join(" ") || null);
  return entries;
}
