// RFC 9421 HTTP Message Signatures with an Ed25519 key, for the simulated
// peers. Fedify verifies `alg="ed25519"` signatures but signs with RSA only,
// so this mirrors Fedify's own RFC 9421 signer (same covered components:
// @method @target-uri @authority host date content-digest) with Ed25519.

function base64(bytes: ArrayBuffer): string {
  return Buffer.from(bytes).toString("base64");
}

export async function signRequestEd25519(request: Request, privateKey: CryptoKey, keyId: URL): Promise<Request> {
  const url = new URL(request.url);
  const body = await request.clone().arrayBuffer();
  const headers = new Headers(request.headers);
  if (!headers.has("host")) headers.set("host", url.host);
  if (!headers.has("date")) headers.set("date", new Date().toUTCString());
  headers.set("content-digest", `sha-256=:${base64(await crypto.subtle.digest("SHA-256", body))}:`);
  const components: Array<[string, string]> = [
    ["@method", request.method.toUpperCase()],
    ["@target-uri", url.href],
    ["@authority", url.host],
    ["host", headers.get("host")!],
    ["date", headers.get("date")!],
    ["content-digest", headers.get("content-digest")!],
  ];
  const created = Math.floor(Date.now() / 1000);
  const params = `alg="ed25519";keyid="${keyId.href}";created=${created}`;
  const list = `(${components.map(([name]) => `"${name}"`).join(" ")})`;
  const base = components
    .map(([name, value]) => `"${name}": ${value}`)
    .concat([`"@signature-params": ${list};${params}`])
    .join("\n");
  const signature = await crypto.subtle.sign("Ed25519", privateKey, new TextEncoder().encode(base));
  headers.set("signature-input", `sig1=${list};${params}`);
  headers.set("signature", `sig1=:${base64(signature)}:`);
  return new Request(request.url, { method: request.method, headers, body });
}
