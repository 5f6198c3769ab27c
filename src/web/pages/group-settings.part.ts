// A group's settings on its Members page, for its moderators at its home:
// whether the group takes questions (issue 16), whether members see its insights (issue 15).
import type { ServiceContext } from "../../services/context.ts";
import type { GroupView } from "../../services/groups/group.service.ts";
import { changeGroupSettings } from "../../services/groups/group-settings.service.ts";
import { html, type Html } from "../html.ts";
import { csrfField } from "../layout.ts";
import { field, type WebRoutes } from "../routes.ts";
import type { WebSession } from "../session.ts";

export function groupSettingsForm(ref: string, group: GroupView, session: WebSession): Html {
  return html`<h2>Settings</h2><form method="post" action="/g/${encodeURIComponent(ref)}/settings" class="card">${csrfField(session)}
    <div><input id="questions-enabled" type="checkbox" name="questionsEnabled" value="on"${group.questionsEnabled ? html` checked` : ""}>
    <label for="questions-enabled" class="inline-label">Members can ask questions (answers can be accepted)</label></div>
    ${
      group.visibility === "public"
        ? html`<div><input id="members-see-insights" type="checkbox" name="membersSeeInsights" value="on"${group.membersSeeInsights ? html` checked` : ""}>
    <label for="members-see-insights" class="inline-label">Members may see the group's insights (otherwise only moderators)</label></div>`
        : html`<p class="muted">This group's insights are for its moderators only, as for every members-only group.</p>`
    }
    <div><button type="submit">Save settings</button></div></form>`;
}

export function registerGroupSettingsAction(ctx: ServiceContext, routes: WebRoutes): void {
  routes.action("/g/:ref/settings", async (request, session, body) => {
    const ref = (request.params as { ref: string }).ref;
    // An unchecked box sends nothing: the form always means "this is the whole setting".
    const group = await changeGroupSettings(ctx, session.user.username, ref, {
      questionsEnabled: field(body, "questionsEnabled") === "on",
      // A members-only group has no such box: off, as its insights are the moderators' only.
      membersSeeInsights: field(body, "membersSeeInsights") === "on",
    });
    const insights = group.membersSeeInsights ? "members see its insights" : "only moderators see its insights";
    return { done: `${group.questionsEnabled ? "Questions are on in this group" : "Questions are off in this group"}; ${insights}.` };
  });
}
