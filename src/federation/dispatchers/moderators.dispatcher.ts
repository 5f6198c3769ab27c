// The moderators collection of a group (FEP-1b12: the group's attributedTo),
// so peers such as Lemmy know who may moderate it, wherever they live.
import type { Federation } from "@fedify/fedify";
import { Object as APObject, Person } from "@fedify/vocab";
import { getLocalActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { moderatorUris } from "../../services/groups/member-list.service.ts";
import { canListMembers } from "./access.ts";

export function registerModeratorsDispatcher(federation: Federation<ServiceContext>): void {
  federation
    .setOrderedCollectionDispatcher("moderators", APObject, "/users/{identifier}/moderators", async (ctx, values) => {
      const group = await getLocalActor(ctx.data, values.identifier);
      if (!group || group.type !== "Group") return null;
      const uris = await moderatorUris(ctx.data, group.id);
      return { items: uris.map((uri) => new Person({ id: new URL(uri) })) };
    })
    .authorize(async (ctx, values) => {
      // Who moderates a members-only or secret group is for its members to know.
      const group = await getLocalActor(ctx.data, values.identifier ?? "");
      return !group || group.type !== "Group" || canListMembers(ctx, group.id);
    });
}
