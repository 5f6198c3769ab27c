// Mastodon's `update_credentials` parameters for a profile: `fields_attributes`
// comes as a JSON array, a JSON object keyed by index, or form keys
// `fields_attributes[0][name]`; `avatar` and `header` as uploaded files.
import { validationFailed } from "../../domain/errors.ts";
import type { ProfileExtrasInput } from "../../services/accounts/profile.service.ts";

function fieldsFrom(body: Record<string, unknown>): Array<{ name: string; value: string }> | undefined {
  const rows = new Map<number, { name?: unknown; value?: unknown }>();
  const direct = body.fields_attributes;
  if (direct !== undefined) {
    if (!direct || typeof direct !== "object") throw validationFailed("fields_attributes must be a list of {name, value}");
    for (const [i, row] of Object.entries(direct as Record<string, unknown>)) {
      if (row && typeof row === "object") rows.set(Number(i), row as { name?: unknown; value?: unknown });
    }
  }
  for (const [key, v] of Object.entries(body)) {
    const m = /^fields_attributes\[(\d+)\]\[(name|value)\]$/.exec(key);
    if (!m) continue;
    const row = rows.get(Number(m[1])) ?? {};
    row[m[2] as "name" | "value"] = v;
    rows.set(Number(m[1]), row);
  }
  if (direct === undefined && rows.size === 0) return undefined;
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, row]) => {
      if ((row.name !== undefined && typeof row.name !== "string") || (row.value !== undefined && typeof row.value !== "string")) {
        throw validationFailed("Each of fields_attributes has a text name and value");
      }
      return { name: (row.name as string | undefined) ?? "", value: (row.value as string | undefined) ?? "" };
    });
}

function imageFrom(body: Record<string, unknown>, field: "avatar" | "header"): Uint8Array | undefined {
  const v = body[field];
  if (v === undefined || v === "") return undefined;
  if (!Buffer.isBuffer(v)) throw validationFailed(`Upload ${field} as a file in multipart/form-data`);
  return v;
}

export function profileExtrasFrom(body: Record<string, unknown>): ProfileExtrasInput | null {
  const input: ProfileExtrasInput = {};
  const fields = fieldsFrom(body);
  const avatar = imageFrom(body, "avatar");
  const header = imageFrom(body, "header");
  if (fields) input.fields = fields;
  if (avatar) input.avatar = avatar;
  if (header) input.header = header;
  return Object.keys(input).length > 0 ? input : null;
}
