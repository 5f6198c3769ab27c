// A task's snapshot as a ForgeFed Ticket, and back. Reading is strict about
// shapes and sizes: a malformed Ticket is refused, never half-stored.
import { validationFailed } from "../../domain/errors.ts";
import type { TaskAssigneeSnapshot, TaskSnapshot } from "../../domain/task-snapshot.ts";
import { LIMITS, type TaskHistoryEntry } from "../../domain/task.rules.ts";
import { idOf, idsOf, TASK_CONTEXT, text, type Json } from "./vocabulary.ts";

/** The board a Ticket belongs to (ForgeFed `context`): the group's task collection. */
export function boardUriOf(groupUri: string): string {
  return `${groupUri}/tasks`;
}

export function toTicket(s: TaskSnapshot, withContext = true): Json {
  return {
    ...(withContext ? { "@context": TASK_CONTEXT } : {}),
    id: s.uri,
    type: "Ticket",
    url: s.uri,
    attributedTo: s.authorUri,
    context: boardUriOf(s.groupUri),
    audience: s.groupUri,
    summary: s.title,
    content: s.descriptionHtml,
    mediaType: "text/html",
    ...(s.descriptionSource !== null ? { source: { content: s.descriptionSource, mediaType: "text/plain" } } : {}),
    assignedTo: s.assignees.filter((a) => a.state === "accepted").map((a) => a.uri),
    pendingAssignees: s.assignees.filter((a) => a.state === "pending").map((a) => ({ actor: a.uri, assignActivity: a.assignActivityUri ?? null })),
    isResolved: s.closed,
    ...(s.resolvedAt ? { resolved: s.resolvedAt } : {}),
    ...(s.resolvedByUri ? { resolvedBy: s.resolvedByUri } : {}),
    dependsOn: s.dependsOn,
    status: s.status,
    statusLabel: s.statusLabel,
    priority: s.priority,
    ...(s.due ? { due: s.due } : {}),
    labels: s.labels,
    version: s.version,
    history: s.history,
    ...(s.noteUri ? { companionNote: s.noteUri } : {}),
    published: s.published,
    updated: s.updated,
  };
}

function requireString(value: unknown, field: string, max = 2048): string {
  if (typeof value !== "string" || value.length === 0 || value.length > max) {
    throw validationFailed(`Ticket: "${field}" is missing or not a string of at most ${max} characters`, { field });
  }
  return value;
}

function isoOrNull(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

function readHistory(value: unknown): TaskHistoryEntry[] {
  if (!Array.isArray(value)) return [];
  return value.slice(-1000).flatMap((e: Json) => {
    const at = isoOrNull(e?.at);
    if (!at || typeof e.actor !== "string" || typeof e.field !== "string") return [];
    const short = (v: unknown) => (typeof v === "string" ? v.slice(0, 500) : null);
    return [{ at, actor: e.actor, field: e.field.slice(0, 40), from: short(e.from), to: short(e.to) }];
  });
}

function readAssignees(ticket: Json): TaskAssigneeSnapshot[] {
  const accepted = idsOf(ticket.assignedTo).map((uri) => ({ uri, state: "accepted" as const }));
  const pendingRaw = Array.isArray(ticket.pendingAssignees) ? ticket.pendingAssignees : [];
  const pending = pendingRaw.flatMap((p: Json) => {
    const uri = idOf(p?.actor);
    return uri ? [{ uri, state: "pending" as const, assignActivityUri: idOf(p.assignActivity) }] : [];
  });
  return [...accepted, ...pending].slice(0, LIMITS.assignees);
}

/** Reads a Ticket published by a group's home (a whole snapshot). */
export function fromTicket(ticket: Json): TaskSnapshot {
  const uri = requireString(idOf(ticket), "id");
  const groupUri = requireString(idOf(ticket.audience) ?? "", "audience");
  const version = Number(ticket.version);
  if (!Number.isInteger(version) || version < 1) throw validationFailed("Ticket: version must be a positive integer", { field: "version" });
  const labels = Array.isArray(ticket.labels) ? ticket.labels.filter((l): l is string => typeof l === "string").slice(0, LIMITS.labels) : [];
  const source = ticket.source && typeof ticket.source === "object" ? text((ticket.source as Json).content) : undefined;
  const now = new Date().toISOString();
  return {
    uri,
    groupUri,
    authorUri: requireString(idOf(ticket.attributedTo) ?? "", "attributedTo"),
    title: requireString(ticket.summary, "summary", LIMITS.title * 2),
    descriptionHtml: (text(ticket.content) ?? "").slice(0, LIMITS.description * 2),
    descriptionSource: source?.slice(0, LIMITS.description) ?? null,
    status: requireString(ticket.status ?? (ticket.isResolved === true ? "done" : "open"), "status", 32),
    statusLabel: (text(ticket.statusLabel) ?? text(ticket.status) ?? "Open").slice(0, 40),
    closed: ticket.isResolved === true,
    priority: (text(ticket.priority) ?? "normal").slice(0, 16),
    due: typeof ticket.due === "string" && /^\d{4}-\d{2}-\d{2}/.test(ticket.due) ? ticket.due.slice(0, 10) : null,
    labels,
    dependsOn: idsOf(ticket.dependsOn).slice(0, LIMITS.dependsOn),
    assignees: readAssignees(ticket),
    version,
    history: readHistory(ticket.history),
    noteUri: idOf(ticket.companionNote),
    resolvedAt: isoOrNull(ticket.resolved),
    resolvedByUri: idOf(ticket.resolvedBy),
    published: isoOrNull(ticket.published) ?? now,
    updated: isoOrNull(ticket.updated) ?? now,
  };
}

/** The fields a member proposes or changes (an Offer's or an Update's Ticket). */
export function ticketFields(ticket: Json) {
  const source = ticket.source && typeof ticket.source === "object" ? text((ticket.source as Json).content) : undefined;
  const has = (key: string) => Object.prototype.hasOwnProperty.call(ticket, key);
  return {
    title: text(ticket.summary),
    // Plain text travels in `source`; HTML content from elsewhere is reduced to text.
    description: source ?? (text(ticket.content) !== undefined ? text(ticket.content)!.replace(/<[^>]*>/g, "") : undefined),
    priority: text(ticket.priority),
    due: has("due") ? (text(ticket.due) ?? null) : undefined,
    labels: has("labels") ? (Array.isArray(ticket.labels) ? ticket.labels.map(String) : []) : undefined,
    dependsOn: has("dependsOn") ? idsOf(ticket.dependsOn) : undefined,
  };
}

/** The fields a change carries, as a partial Ticket for an Offer or Update. */
export function fieldsToTicket(fields: {
  title?: string | undefined;
  description?: string | undefined;
  priority?: string | undefined;
  due?: string | null | undefined;
  labels?: string[] | undefined;
  dependsOn?: string[] | undefined;
}): Json {
  return {
    type: "Ticket",
    ...(fields.title !== undefined ? { summary: fields.title } : {}),
    ...(fields.description !== undefined ? { source: { content: fields.description, mediaType: "text/plain" } } : {}),
    ...(fields.priority !== undefined ? { priority: fields.priority } : {}),
    ...(fields.due !== undefined ? { due: fields.due } : {}),
    ...(fields.labels !== undefined ? { labels: fields.labels } : {}),
    ...(fields.dependsOn !== undefined ? { dependsOn: fields.dependsOn } : {}),
  };
}
