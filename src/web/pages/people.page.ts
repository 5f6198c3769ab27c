// People: a profile (here or on another instance) with its posts and a
// follow button; my settings.
import { SETTINGS_TABS, tabRow } from "../nav.ts";
import type { ServiceContext } from "../../services/context.ts";
import { resolveActor, toActorView } from "../../services/accounts/actor.service.ts";
import { assertCanSeeActor, viewerOf } from "../../services/visibility.service.ts";
import { followActor, unfollowActor } from "../../services/accounts/follow.service.ts";
import { mediaUrl } from "../../services/posts/media.service.ts";
import { toPostView } from "../../services/posts/post.service.ts";
import { getAccountTimeline, getRelationships } from "../../services/posts/timeline.service.ts";
import { changeOwnPassword } from "../../services/accounts/sign-in.service.ts";
import { updateProfile } from "../../services/accounts/user.service.ts";
import { avatar, beforeOf, emptyNote, orgChip, pager, postCard, refOf } from "../components.ts";
import { html } from "../html.ts";
import { csrfField, sendPage } from "../layout.ts";
import { field, type WebRoutes } from "../routes.ts";
import { profileExtrasForm, registerProfileExtrasAction } from "./profile-extras.form.ts";
import { SESSION_COOKIE } from "../../services/accounts/session-cookie.ts";

function handleRef(ref: string): string {
  return ref.includes("@") ? `@${ref.replace(/^@/, "")}` : ref;
}

export function registerPeoplePages(ctx: ServiceContext, routes: WebRoutes): void {
  routes.signedInPage("/u/:ref", async (request, reply, session) => {
    const ref = (request.params as { ref: string }).ref;
    const found = await resolveActor(ctx, ref.includes("@") ? handleRef(ref) : `@${ref}@${ctx.origin.host}`);
    const row = await assertCanSeeActor(ctx, viewerOf(session.user.actorId), found, `No one called ${ref}`);
    const actor = toActorView(row);
    if (actor.type === "Group") return reply.redirect(`/g/${encodeURIComponent(refOf(actor))}`, 303);
    const before = beforeOf(request.query);
    const entries = await getAccountTimeline(ctx, session.user.actorId, row.id, { limit: 20, maxId: before });
    const posts = entries.map(toPostView);
    const me = row.id === session.user.actorId;
    const relation = me ? null : (await getRelationships(ctx, session.user.actorId, [row.id])).get(row.id);
    return sendPage(ctx, request, reply, {
      title: actor.displayName ?? actor.username,
      session,
      body: html`<div class="page-head">${avatar(actor)}<h1>${actor.displayName ?? actor.username} <span class="muted handle">${actor.handle}</span></h1> ${orgChip(actor)}</div>
        ${actor.summary ? html`<p>${actor.summary}</p>` : ""}
        ${actor.local ? "" : html`<p class="muted">On ${actor.domain}${actor.url ? html` · <a href="${actor.url}" rel="nofollow noopener">profile there</a>` : ""}</p>`}
        ${
          relation
            ? html`<form method="post" action="/u/${encodeURIComponent(ref)}/${relation.following || relation.requested ? "unfollow" : "follow"}" class="inline">${csrfField(session)}
              <button type="submit"${relation.following || relation.requested ? html` class="secondary"` : ""}>${relation.following ? "Unfollow" : relation.requested ? "Cancel follow request" : "Follow"}</button></form>`
            : ""
        }
        <h2>Posts</h2>
        ${posts.length === 0 ? emptyNote(before ? "Nothing older." : "No posts to show.") : posts.map((p) => postCard(p, session, { showGroup: true, mediaUrl: (m) => mediaUrl(ctx, m) }))}
        ${pager(`/u/${encodeURIComponent(ref)}`, {}, entries.length === 20 ? entries[entries.length - 1]!.post.id : null, before)}`,
    });
  });

  routes.action("/u/:ref/follow", async (request, session) => {
    const ref = (request.params as { ref: string }).ref;
    const follow = await followActor(ctx, session.user.username, handleRef(ref.includes("@") ? ref : `${ref}@${ctx.origin.host}`));
    return { done: follow.state === "accepted" ? "Following." : "Follow request sent." };
  });
  routes.action("/u/:ref/unfollow", async (request, session) => {
    const ref = (request.params as { ref: string }).ref;
    await unfollowActor(ctx, session.user.username, handleRef(ref.includes("@") ? ref : `${ref}@${ctx.origin.host}`));
    return { done: "Unfollowed." };
  });

  routes.signedInPage("/settings", async (request, reply, session) => {
    const user = session.user;
    return sendPage(ctx, request, reply, {
      title: "Settings",
      session,
      section: "settings",
      body: html`<h1>Settings</h1>${tabRow("Settings", SETTINGS_TABS, "profile")}
        <form method="post" action="/settings/profile" class="stack card">${csrfField(session)}
          <h2>Profile</h2>
          <div><label for="displayName">Name</label><input id="displayName" name="displayName" type="text" value="${user.displayName ?? ""}"></div>
          <div><label for="bio">About you</label><textarea id="bio" name="bio">${user.bio ?? ""}</textarea></div>
          <div><input id="locked" name="locked" type="checkbox" value="true"${user.locked ? html` checked` : ""}> <label for="locked" class="inline-label">Approve followers myself (locked account)</label></div>
          <div><button type="submit">Save profile</button></div>
        </form>
        ${await profileExtrasForm(ctx, session)}
        <form method="post" action="/settings/password" class="stack card">${csrfField(session)}
          <h2>Password</h2>
          <div><label for="current">Current password</label><input id="current" name="current" type="password" autocomplete="current-password" required></div>
          <div><label for="next">New password</label><input id="next" name="next" type="password" autocomplete="new-password" required minlength="10"></div>
          <div><button type="submit">Change password</button></div>
        </form>`,
    });
  });

  routes.action("/settings/profile", async (_request, session, body) => {
    await updateProfile(ctx, session.user.username, {
      displayName: field(body, "displayName"),
      bio: field(body, "bio"),
      locked: field(body, "locked") === "true",
    });
    return { done: "Profile saved." };
  });
  registerProfileExtrasAction(routes, ctx);
  routes.action("/settings/password", async (request, session, body) => {
    // Checks the current password (within the sign-in limit), then ends the
    // other sessions and revokes every token; this session stays signed in.
    await changeOwnPassword(ctx, {
      username: session.user.username,
      current: field(body, "current"),
      next: field(body, "next"),
      address: request.ip,
      sessionCookie: request.cookies[SESSION_COOKIE],
    });
    return { done: "Password changed. Your other sessions and apps are signed out; sign in there again." };
  });
}
