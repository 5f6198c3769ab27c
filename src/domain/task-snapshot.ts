// A task as the group's home instance publishes it: the whole current state,
// with a version number, so a copy elsewhere can tell newer from older.
import type { TaskHistoryEntry } from "./task.rules.ts";

export interface TaskAssigneeSnapshot {
  uri: string;
  state: "pending" | "accepted";
  /** For a pending assignment: the Assign activity the assignee answers with Accept or Reject. */
  assignActivityUri?: string | null;
}

export interface TaskSnapshot {
  uri: string;
  groupUri: string;
  authorUri: string;
  title: string;
  descriptionHtml: string;
  descriptionSource: string | null;
  status: string;
  statusLabel: string;
  closed: boolean;
  priority: string;
  due: string | null;
  labels: string[];
  dependsOn: string[];
  assignees: TaskAssigneeSnapshot[];
  version: number;
  history: TaskHistoryEntry[];
  noteUri: string | null;
  resolvedAt: string | null;
  resolvedByUri: string | null;
  published: string;
  updated: string;
}
