// The sign-in and consent page of the OAuth flow: plain HTML, no script, no
// external assets; every value escaped.
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface ConsentPage {
  instanceName: string;
  appName: string;
  scopes: string[];
  signedInAs: string | null;
  csrfToken: string;
  hidden: Record<string, string>;
  error?: string | undefined;
  /** Company sign-in (docs/channels.md): a link that signs in and comes back here; passwords may be off. */
  companySignIn?: { label: string; url: string } | null;
  passwordSignIn?: boolean;
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1d2a22}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin:1rem .5rem 0 0;padding:.6rem 1.2rem;font-size:1rem;cursor:pointer}button:focus,input:focus{outline:3px solid #6b8f71;outline-offset:2px}
.error{color:#9b1c1c;background:#fdecec;padding:.6rem;border-radius:4px}code{background:#eef2ee;padding:0 .2rem}`;

export function renderConsentPage(page: ConsentPage): string {
  const hidden = Object.entries(page.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  const company =
    !page.signedInAs && page.companySignIn
      ? `<p><a href="${escapeHtml(page.companySignIn.url)}">Sign in with ${escapeHtml(page.companySignIn.label)}</a></p>`
      : "";
  const login = page.signedInAs
    ? `<p>Signed in as <strong>${escapeHtml(page.signedInAs)}</strong>.</p>`
    : page.passwordSignIn === false
      ? company
      : `${company}<label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" required>
       <label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorize ${escapeHtml(page.appName)} — ${escapeHtml(page.instanceName)}</title><style>${STYLE}</style></head><body><main>
<h1>Authorize ${escapeHtml(page.appName)}</h1>
<p><strong>${escapeHtml(page.appName)}</strong> asks to use your ${escapeHtml(page.instanceName)} account with these permissions:</p>
<ul>${page.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join("")}</ul>
${page.error ? `<p class="error" role="alert">${escapeHtml(page.error)}</p>` : ""}
<form method="post" action="/oauth/authorize">
<input type="hidden" name="csrf_token" value="${escapeHtml(page.csrfToken)}">${hidden}
${login}
<button type="submit" name="decision" value="approve">Authorize</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form></main></body></html>`;
}

export function renderMessagePage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}
