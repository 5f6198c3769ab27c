// The settings form for what other servers show beside name and bio: avatar,
// header and up to four profile fields. A separate multipart form, so the
// plain profile form keeps working without JavaScript or files.
import { requireLocalUserActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { profileFieldsOf, updateProfileExtras, type ProfileExtrasInput } from "../../services/accounts/profile.service.ts";
import { MAX_PROFILE_FIELDS } from "../../domain/profile.rules.ts";
import { html, type Html } from "../html.ts";
import { csrfField } from "../layout.ts";
import { field, type Fields, type WebRoutes } from "../routes.ts";
import type { WebSession } from "../session.ts";

export async function profileExtrasForm(ctx: ServiceContext, session: WebSession): Promise<Html> {
  const actor = await requireLocalUserActor(ctx, session.user.username);
  const fields = profileFieldsOf(actor);
  const rows = Array.from({ length: MAX_PROFILE_FIELDS }, (_, i) => fields[i] ?? { name: "", value: "" });
  return html`<form method="post" action="/settings/profile-extras" enctype="multipart/form-data" class="stack card">
    ${csrfField(session)}
    <h2>Pictures and profile fields</h2>
    ${actor.icon_url ? html`<img src="${actor.icon_url}" alt="Your avatar" width="64" height="64" />` : ""}
    <div>
      <label for="avatar">Avatar (PNG, JPEG, GIF or WebP)</label
      ><input id="avatar" name="avatar" type="file" accept="image/png,image/jpeg,image/gif,image/webp" />
    </div>
    <div><label for="header">Header image</label><input id="header" name="header" type="file" accept="image/png,image/jpeg,image/gif,image/webp" /></div>
    ${rows.map(
      (f, i) =>
        html`<div class="row">
          <label for="field-name-${i}">Field ${i + 1}</label>
          <input id="field-name-${i}" name="fieldName${i}" type="text" maxlength="255" placeholder="Label" value="${f.name}" />
          <input aria-label="Field ${i + 1} value" name="fieldValue${i}" type="text" maxlength="255" placeholder="Content" value="${f.value}" />
        </div>`,
    )}
    <div><button type="submit">Save pictures and fields</button></div>
  </form>`;
}

function inputOf(body: Fields): ProfileExtrasInput {
  const input: ProfileExtrasInput = {
    fields: Array.from({ length: MAX_PROFILE_FIELDS }, (_, i) => ({ name: field(body, `fieldName${i}`), value: field(body, `fieldValue${i}`) })),
  };
  // An empty file input sends an empty part: that keeps the current image.
  if (Buffer.isBuffer(body.avatar) && body.avatar.length > 0) input.avatar = body.avatar;
  if (Buffer.isBuffer(body.header) && body.header.length > 0) input.header = body.header;
  return input;
}

export function registerProfileExtrasAction(routes: WebRoutes, ctx: ServiceContext): void {
  routes.action("/settings/profile-extras", async (_request, session, body) => {
    await updateProfileExtras(ctx, session.user.username, inputOf(body));
    return { done: "Pictures and fields saved." };
  });
}
