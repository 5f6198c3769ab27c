// Who is making a request: the signed-in user behind a bearer token. The HTTP
// auth hook fills it in (request.auth); every door reads it from there, so
// the type lives here, below all the doors, and nobody re-casts the request.
export interface Caller {
  userId: string;
  username: string;
  /** The user's actor, read with the token (one statement per request). */
  actorId: string;
  role: string;
  scopes: string[];
  tokenId: string;
  appId: string | null;
}
