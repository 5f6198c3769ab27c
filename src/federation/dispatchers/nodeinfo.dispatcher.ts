// NodeInfo 2.1 with real usage counts, so directories and clients such as
// megalodon can tell what this server is.
import type { Federation } from "@fedify/fedify";
import { getUsage } from "../../services/organizations/instance.service.ts";
import { getOwnOrganization } from "../../services/organizations/organization.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { ECOTONE_VERSION } from "../../domain/version.ts";

export function registerNodeInfoDispatcher(federation: Federation<ServiceContext>): void {
  federation.setNodeInfoDispatcher("/nodeinfo/2.1", async (ctx) => {
    const usage = await getUsage(ctx.data);
    const org = await getOwnOrganization(ctx.data);
    return {
      software: {
        name: "ecotone",
        version: ECOTONE_VERSION,
        homepage: new URL("https://github.com/ecotone-social/ecotone"),
      },
      protocols: ["activitypub"],
      openRegistrations: false,
      usage: {
        users: { total: usage.totalUsers, activeMonth: usage.activeMonth, activeHalfyear: usage.activeHalfyear },
        localPosts: usage.localPosts,
        localComments: 0,
      },
      // megalodon's detector reads `upstream` to recognise Mastodon-API servers.
      // `organization` is how other Ecotone instances learn who runs this one.
      metadata: {
        nodeName: ctx.data.instanceName,
        upstream: { name: "mastodon", version: "4.0.0" },
        organization: {
          name: org.name,
          shortName: org.shortName,
          logoUrl: org.logoUrl,
          website: org.website,
          description: org.description,
          actor: org.actorUri,
        },
      },
    };
  });
}
