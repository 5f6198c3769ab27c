// OAuth 2 errors as RFC 6749 names them; the token endpoint answers
// {"error": "...", "error_description": "..."}.
export type OAuthErrorCode =
  "invalid_request" | "invalid_client" | "invalid_grant" | "unauthorized_client" | "unsupported_grant_type" | "invalid_scope" | "access_denied";

export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;
  constructor(error: OAuthErrorCode, description: string, status = error === "invalid_client" ? 401 : 400) {
    super(description);
    this.name = "OAuthError";
    this.error = error;
    this.status = status;
  }
}
