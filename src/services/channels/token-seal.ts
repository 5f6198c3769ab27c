// Seals the access token a push subscription was made with, so the push
// message can name it as Mastodon's does while the tokens table keeps only
// hashes (ADR 0092). AES-256-GCM under a key generated once and kept beside
// the VAPID key; a sealed value that does not open (another key, tampering)
// is treated as absent.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readOrCreateSetting } from "../../db/repos/instance-secret.repo.ts";
import type { ServiceContext } from "../context.ts";

async function key(ctx: ServiceContext): Promise<Buffer> {
  return Buffer.from(await readOrCreateSetting(ctx.db, "push_token_key", () => randomBytes(32).toString("base64url")), "base64url");
}

export async function sealToken(ctx: ServiceContext, token: string): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", await key(ctx), iv);
  const sealed = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((b) => b.toString("base64url")).join(".");
}

export async function openToken(ctx: ServiceContext, sealed: string | null): Promise<string | null> {
  if (!sealed) return null;
  const [iv, tag, body] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
  if (!iv || !tag || !body) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", await key(ctx), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
