// Profile fields between our rows and ActivityStreams `PropertyValue`
// attachments (what Mastodon shows as a profile's table of links and facts).
import { PropertyValue, type Actor } from "@fedify/vocab";
import type { ProfileField } from "../../db/schema.ts";
import { renderFieldValue } from "../../services/accounts/profile.service.ts";

/** Our fields as PropertyValues; values are HTML with links, as Mastodon sends them. */
export function toPropertyValues(fields: ProfileField[], origin: URL): PropertyValue[] {
  return fields.map((f) => new PropertyValue({ name: f.name, value: renderFieldValue(f.value, origin) }));
}

/** A remote actor's PropertyValues (other attachments are ignored). */
export async function fromPropertyValues(actor: Actor): Promise<ProfileField[]> {
  const fields: ProfileField[] = [];
  for await (const a of actor.getAttachments({ suppressError: true })) {
    if (a instanceof PropertyValue && a.name && a.value) fields.push({ name: String(a.name), value: String(a.value) });
  }
  return fields;
}
