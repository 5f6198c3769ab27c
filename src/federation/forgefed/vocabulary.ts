// ForgeFed on the wire. Fedify's vocabulary has no Ticket, Assign or Resolve
// (its parser rejects them), so tasks are written and read as plain JSON-LD
// here, in compact form against the context below: ActivityStreams, the
// published ForgeFed context, and inline terms for what that file lacks
// (`Assign`, `Resolve`, `assignments`) and for Ecotone's own task fields.

export const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";
export const FORGEFED_CONTEXT = "https://forgefed.org/ns";
export const ECOTONE_NS = "https://ecotone.social/ns#";

export const TASK_CONTEXT = [
  AS_CONTEXT,
  FORGEFED_CONTEXT,
  {
    forge: "https://forgefed.org/ns#",
    ecotone: ECOTONE_NS,
    xsd: "http://www.w3.org/2001/XMLSchema#",
    Ticket: "forge:Ticket",
    Assign: "forge:Assign",
    Resolve: "forge:Resolve",
    assignments: { "@id": "forge:assignments", "@type": "@id" },
    assignedTo: { "@id": "forge:assignedTo", "@type": "@id", "@container": "@set" },
    isResolved: { "@id": "forge:isResolved", "@type": "xsd:boolean" },
    resolved: { "@id": "forge:resolved", "@type": "xsd:dateTime" },
    resolvedBy: { "@id": "forge:resolvedBy", "@type": "@id" },
    dependsOn: { "@id": "forge:dependsOn", "@type": "@id", "@container": "@set" },
    status: "ecotone:status",
    statusLabel: "ecotone:statusLabel",
    priority: "ecotone:priority",
    due: { "@id": "ecotone:due", "@type": "xsd:date" },
    labels: { "@id": "ecotone:labels", "@container": "@set" },
    version: { "@id": "ecotone:version", "@type": "xsd:integer" },
    history: { "@id": "ecotone:history", "@type": "@json" },
    pendingAssignees: { "@id": "ecotone:pendingAssignees", "@type": "@json" },
    companionNote: { "@id": "ecotone:companionNote", "@type": "@id" },
    // On a Reject of a member's change: why, as an API error code (e.g. conflict for a stale version).
    refusal: "ecotone:refusal",
  },
];

export type Json = Record<string, unknown>;

/** The last segment of a type name, whether compact ("Ticket") or expanded. */
export function typeNames(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((t): t is string => typeof t === "string").map((t) => t.replace(/^.*[#/:]/, ""));
}

export function hasType(value: unknown, name: string): boolean {
  if (!value || typeof value !== "object") return false;
  return typeNames((value as Json).type ?? (value as Json)["@type"]).includes(name);
}

/** The id of an object given inline or by reference. */
export function idOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const id = (value as Json).id ?? (value as Json)["@id"];
    if (typeof id === "string") return id;
  }
  return null;
}

export function idsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map(idOf).filter((id): id is string => id !== null);
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Task activity ids we mint live under /tasks/, so replies to them find their way back here. */
export function isOurTaskUri(uri: string | null, origin: URL): boolean {
  return uri !== null && uri.startsWith(new URL("/tasks/", origin).href);
}
