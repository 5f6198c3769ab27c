// A task's history in words: "Gina (Globex) moved it to Done"
// instead of actor URIs and field names.
import { findCachedActors, toActorView, type ActorView } from "../services/accounts/actor.service.ts";
import type { ServiceContext } from "../services/context.ts";
import type { TaskView } from "../services/tasks/task.service.ts";
import { personInWords } from "./components.ts";
import { html, when, type Html } from "./html.ts";

type Entry = TaskView["history"][number];

/** Everyone the history names, in one query. */
async function actorsOf(ctx: ServiceContext, uris: string[]): Promise<Map<string, ActorView>> {
  const rows = await findCachedActors(ctx, uris);
  return new Map(rows.map((row) => [row.uri, toActorView(row)]));
}

/** A URI we could not name still reads as a host and a path, never as a raw URL. */
function fallbackName(uri: string): string {
  try {
    const url = new URL(uri);
    return `${url.pathname.split("/").filter(Boolean).pop() ?? "someone"} (${url.host})`;
  } catch {
    return "someone";
  }
}

function sentence(e: Entry, who: string, name: (uri: string | null) => string, status: (key: string | null) => string): string {
  switch (e.field) {
    case "created":
      return `${who} opened it`;
    case "status":
      return `${who} moved it to ${status(e.to)}`;
    case "title":
      return `${who} renamed it to “${e.to ?? ""}”`;
    case "description":
      return `${who} changed the description`;
    case "priority":
      return `${who} set the priority to ${e.to ?? "normal"}`;
    case "due":
      return e.to ? `${who} set the due date to ${e.to}` : `${who} removed the due date`;
    case "labels":
      return e.to ? `${who} set the labels to ${e.to}` : `${who} removed the labels`;
    case "dependsOn":
      return `${who} changed what it depends on`;
    case "assigned":
      return e.to === e.actor ? `${who} took it` : `${who} assigned it to ${name(e.to)}`;
    case "assignment_requested":
      return `${who} asked ${name(e.to)} to take it`;
    case "assignment_accepted":
      return `${who} accepted it`;
    case "assignment_declined":
      return `${who} declined it`;
    case "unassigned":
      return `${who} unassigned ${name(e.from)}`;
    default:
      return `${who} changed ${e.field.replace(/_/g, " ")}`;
  }
}

export async function historyInWords(ctx: ServiceContext, task: TaskView, statuses: Array<{ key: string; label: string }>): Promise<Html> {
  const uris = task.history.flatMap((e) => [e.actor, e.from, e.to]).filter((u): u is string => typeof u === "string" && /^https?:\/\//.test(u));
  const actors = await actorsOf(ctx, uris);
  const name = (uri: string | null) => (uri ? (actors.get(uri) ? personInWords(actors.get(uri)!) : fallbackName(uri)) : "someone");
  const status = (key: string | null) =>
    statuses.find((s) => s.key === key)?.label ?? (key === task.status ? task.statusLabel : (key ?? "").replace(/_/g, " "));
  return html`<ol class="history">${[...task.history]
    .reverse()
    .map((e) => html`<li>${sentence(e, name(e.actor), name, status)} <span class="muted">${when(e.at)}</span></li>`)}</ol>`;
}
