// The collaboration part of the insight pages: the organizations that reply
// to, mention and work with each other (a network, with its table), and the
// people who bridge companies, each with why.
import type { CollaborationView } from "../../services/insights/collaboration.service.ts";
import { emptyNote } from "../components.ts";
import { html, type Html } from "../html.ts";
import { network } from "../insight-charts.ts";
import { withheldNote } from "./insights-withheld.part.ts";

export function collaborationSection(view: CollaborationView): Html {
  const name = (d: string) => view.organizations[d] ?? d;
  const nodes = [...new Set(view.pairs.flatMap((p) => [p.from, p.to]))];
  const pairs =
    view.pairs.length === 0
      ? view.small
        ? withheldNote(view.withheld, ["pairs"], "Contacts between organizations")
        : emptyNote("No replies, mentions or shared tasks between companies in this period.")
      : html`${network(
          "Organizations replying to, mentioning and working with each other",
          nodes.map(name),
          view.pairs.map((p) => ({ from: name(p.from), to: name(p.to), weight: p.replies + p.mentions + p.worksWith })),
          (e) => `${e.from} replied to, mentioned or worked with ${e.to} ${e.weight} times`,
        )}
        <div class="table-scroll"><table><thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Replies</th><th scope="col">Mentions</th><th scope="col">Works with</th></tr></thead><tbody>
        ${view.pairs.map((p) => html`<tr><td>${name(p.from)}</td><td>${name(p.to)}</td><td>${p.replies}</td><td>${p.mentions}</td><td>${p.worksWith}</td></tr>`)}
        </tbody></table></div>`;
  const bridges =
    view.bridges.length === 0
      ? emptyNote("Nobody was in contact with another company in this period.")
      : html`<ol class="bridges">${view.bridges.map(
          (b) => html`<li>${b.actor.displayName ?? b.actor.username} <span class="muted">${b.actor.handle} · ${name(b.organization)}</span> — ${b.why}</li>`,
        )}</ol>`;
  return html`<h2>Collaboration across companies</h2>${pairs}<h3>People who bridge companies</h3>${bridges}`;
}
