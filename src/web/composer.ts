// The composer every page that writes a post uses: Markdown with a preview,
// a content warning, up to four attachments (images, each with its alt text,
// or files such as PDFs and spreadsheets), and (on the home page) where
// the post goes and who can read it there. Reading the form back turns local
// short names (@paul) into full handles and uploads the attachments first.
import type { ServiceContext } from "../services/context.ts";
import type { GroupView } from "../services/groups/group.service.ts";
import { DomainError, validationFailed } from "../domain/errors.ts";
import { checkUpload, IMAGE_TYPES, MAX_ATTACHMENTS } from "../domain/media.rules.ts";
import { checkFile, FILE_EXTENSIONS, isImageUpload, MAX_FILE_BYTES } from "../domain/file.rules.ts";
import { uploadAttachment } from "../services/posts/media.service.ts";
import type { NewPostInput } from "../services/posts/post.service.ts";
import { getUserByUsername } from "../services/accounts/user.service.ts";
import { refOf } from "./components.ts";
import { html, type Html } from "./html.ts";
import { csrfField } from "./layout.ts";
import { field, optionalField, type Fields } from "./routes.ts";
import type { WebSession } from "./session.ts";

export interface ComposerOptions {
  action: string;
  /** The field's label: "What is new?", "Write in this group", "Reply"… */
  label: string;
  button: string;
  id: string;
  /** Offer a choice of where to post (home page): my groups. */
  groups?: GroupView[];
  /** Existing values (editing). */
  content?: string;
  summary?: string | null;
  /** Offer image attachments (not when editing). */
  attachments?: boolean;
  /** More fields a page adds (a group's "ask as a question"). */
  extra?: Html;
}

const ACCEPT = [...IMAGE_TYPES, ...FILE_EXTENSIONS.map((e) => `.${e}`)].join(",");

/**
 * Up to four attachments in one field: images, each with its own
 * description, and files. Without the script every description field shows;
 * with it (composer.js), one per chosen image, beside its preview, and a
 * file's name and size for a file.
 */
function attachmentFields(id: string): Html {
  const slots = Array.from({ length: MAX_ATTACHMENTS }, (_, i) => i + 1);
  return html`<details><summary>Images and files</summary>
    <div><label for="${id}-image">Images and files (up to ${MAX_ATTACHMENTS}, ${MAX_FILE_BYTES / 1024 / 1024} MB each)</label>
      <input id="${id}-image" name="image" type="file" multiple accept="${ACCEPT}" data-attachments="${id}-alts" data-max-bytes="${MAX_FILE_BYTES}" aria-describedby="${id}-image-help">
      <p id="${id}-image-help" class="help">Images: PNG, JPEG, GIF or WebP. Files: PDF, text, CSV, Word, Excel, PowerPoint, OpenDocument or ZIP.</p></div>
    <div id="${id}-alts" class="alt-slots">${slots.map(
      (n) =>
        html`<div class="alt-slot" data-slot="${n}"><label for="${id}-alt${n}">Describe attachment ${n} for people who cannot see it</label><input id="${id}-alt${n}" name="alt${n}" type="text" maxlength="1500"></div>`,
    )}</div></details>`;
}

function audience(g: GroupView): string {
  return g.local && g.visibility === "public" ? "everyone can read" : "members only";
}

export function composer(session: WebSession, o: ComposerOptions): Html {
  const attach = o.attachments ?? true;
  return html`<form method="post" action="${o.action}" class="stack card composer"${attach ? html` enctype="multipart/form-data"` : ""}>${csrfField(session)}
    ${
      o.groups
        ? html`<div><label for="${o.id}-group">Post in</label>
          <select id="${o.id}-group" name="group">
            <option value="">My profile (public, my followers)</option>
            ${o.groups.map((g) => html`<option value="${refOf(g.actor)}">${g.actor.displayName ?? g.actor.username} (${audience(g)})</option>`)}
          </select></div>`
        : ""
    }
    <div><label for="${o.id}">${o.label}</label>
      <textarea id="${o.id}" name="content" required data-complete="text" aria-describedby="${o.id}-help">${o.content ?? ""}</textarea>
      <p id="${o.id}-help" class="help">Markdown works: **bold**, _italic_, lists, \`code\`. Mention people with @name, tag with #topic.</p></div>
    <details${o.summary ? html` open` : ""}><summary>Content warning</summary>
      <div><label for="${o.id}-cw">Warning shown before the text</label><input id="${o.id}-cw" name="summary" type="text" maxlength="300" value="${o.summary ?? ""}"></div></details>
    ${attach ? attachmentFields(o.id) : ""}
    ${o.extra ?? ""}
    <div class="preview" data-preview-for="${o.id}" aria-live="polite"></div>
    <div class="tools"><button type="submit">${o.button}</button> <button type="button" class="secondary" data-preview="${o.id}" hidden>Preview</button></div>
  </form>`;
}

/** `@paul` (someone here) becomes `@paul@host`, so it links like any mention. */
export async function expandLocalMentions(ctx: ServiceContext, text: string): Promise<string> {
  const names = [...new Set([...text.matchAll(/(^|[\s(])@([a-zA-Z0-9_]+)(?![\w@.-])/g)].map((m) => m[2]!))];
  let out = text;
  for (const name of names.slice(0, 20)) {
    if (!(await getUserByUsername(ctx, name))) continue;
    out = out.replace(new RegExp(`(^|[\\s(])@${name}(?![\\w@.-])`, "g"), `$1@${name}@${ctx.origin.host}`);
  }
  return out;
}

interface Chosen {
  bytes: Buffer;
  /** The name the browser sent (src/http/body-parsers.ts keeps it beside the bytes). */
  fileName: string;
  /** An image (by its name, or nameless as the older forms sent) or another file. */
  image: boolean;
}

/** The chosen attachments, in the order the form sent them (a browser sends an empty file when none is chosen). */
function attachmentsOf(body: Fields): Chosen[] {
  const raw = body.image;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list
    .filter((f): f is Buffer & { fileName?: string } => f instanceof Buffer && f.length > 0)
    .map((bytes) => {
      const fileName = bytes.fileName ?? "";
      return { bytes, fileName, image: isImageUpload(fileName) };
    });
}

/**
 * The post the form describes. Its attachments are checked together before
 * any is stored, so a refused third one leaves no first two behind, then
 * uploaded with their descriptions (the media service checks each again).
 */
export async function readComposer(ctx: ServiceContext, session: WebSession, body: Fields): Promise<NewPostInput> {
  const chosen = attachmentsOf(body);
  if (chosen.length > MAX_ATTACHMENTS) throw validationFailed(`A post takes at most ${MAX_ATTACHMENTS} images and files; you chose ${chosen.length}`);
  chosen.forEach((c, i) => {
    try {
      if (c.image) checkUpload(c.bytes);
      else checkFile(c.bytes, c.fileName);
    } catch (error) {
      if (error instanceof DomainError) throw validationFailed(`${c.image ? "Image" : "File"} ${i + 1}: ${error.message}`);
      throw error;
    }
  });
  const mediaIds: string[] = [];
  for (const [i, c] of chosen.entries()) {
    const description = optionalField(body, `alt${i + 1}`);
    const media = await uploadAttachment(ctx, session.user.username, { bytes: c.bytes, fileName: c.fileName, description });
    mediaIds.push(media.id);
  }
  return {
    content: await expandLocalMentions(ctx, field(body, "content")),
    summary: optionalField(body, "summary"),
    sensitive: optionalField(body, "summary") !== undefined,
    mediaIds,
    format: "markdown",
  };
}
