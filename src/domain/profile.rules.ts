// Profile fields (Mastodon's "profile metadata", PropertyValue on the wire):
// the limits Mastodon applies, so what we send is what Mastodon keeps.
import { validationFailed } from "./errors.ts";

export const MAX_PROFILE_FIELDS = 4;
export const MAX_FIELD_NAME = 255;
export const MAX_FIELD_VALUE = 255;

export interface ProfileFieldInput {
  name: string;
  value: string;
}

/** Trimmed fields; empty rows (both parts blank) are dropped, as Mastodon's form does. */
export function checkProfileFields(fields: ProfileFieldInput[]): ProfileFieldInput[] {
  const kept = fields.map((f) => ({ name: f.name.trim(), value: f.value.trim() })).filter((f) => f.name || f.value);
  if (kept.length > MAX_PROFILE_FIELDS) throw validationFailed(`A profile has at most ${MAX_PROFILE_FIELDS} fields`, { field: "fields_attributes" });
  for (const [i, f] of kept.entries()) {
    if (!f.name) throw validationFailed(`Field ${i + 1} needs a name`, { field: "fields_attributes" });
    if (f.name.length > MAX_FIELD_NAME) throw validationFailed(`Field names are at most ${MAX_FIELD_NAME} characters`, { field: "fields_attributes" });
    if (f.value.length > MAX_FIELD_VALUE) throw validationFailed(`Field values are at most ${MAX_FIELD_VALUE} characters`, { field: "fields_attributes" });
  }
  return kept;
}
