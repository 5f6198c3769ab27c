// A file attached to a post (PDF, spreadsheet, text…) as a card: a type
// badge, the name, the size, and a download link. Our own files are served
// as downloads (src/api/mastodon/media-files.routes.ts); a file of a post
// from another server is a plain link to where that server keeps it.
import type { MediaRow } from "../db/schema.ts";
import { extensionOfName, fileKindLabel } from "../domain/file.rules.ts";
import { html, type Html } from "./html.ts";

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** What a remote file is called: its description (Mastodon puts it in `name`), else the last part of its address. */
function remoteName(m: MediaRow): string {
  if (m.description) return m.description;
  try {
    const last = new URL(m.remote_url!).pathname.split("/").filter(Boolean).pop();
    return last ? decodeURIComponent(last) : "Attachment";
  } catch {
    return "Attachment";
  }
}

export function fileCard(m: MediaRow, href: string): Html {
  if (m.remote_url) {
    const host = new URL(m.remote_url).host;
    return html`<a class="file-card" href="${href}" rel="noopener noreferrer nofollow"><span class="file-badge" aria-hidden="true">FILE</span>
      <span class="file-text"><span class="file-name">${remoteName(m)}</span><span class="file-meta">File on ${host}</span></span></a>`;
  }
  const name = m.original_name ?? m.file_name ?? "file";
  const ext = extensionOfName(name);
  const kind = fileKindLabel(ext);
  return html`<a class="file-card" href="${href}" download="${name}"><span class="file-badge" aria-hidden="true">${ext.toUpperCase().slice(0, 4) || "FILE"}</span>
    <span class="file-text"><span class="file-name">${name}</span><span class="file-meta">${kind} · ${formatBytes(m.size ?? 0)} · Download</span>${m.description ? html`<span class="file-meta">${m.description}</span>` : ""}</span></a>`;
}
