// Where each API lives on the server, for the plumbing and the doors alike.

/** The Mastodon client API's namespace: /api/v1 and /api/v2 (its bodies are read as Rails reads them, ADR 0008). */
export const MASTODON_API_PATH = /^\/api\/v[12]\//;
