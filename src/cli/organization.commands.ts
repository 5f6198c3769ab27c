// `ecotone org …` and `ecotone partner …`: the organization this instance
// stands for, and the labels and rules it gives the organizations it meets.
import { validationFailed } from "../domain/errors.ts";
import { cliActor } from "../services/organizations/audit.service.ts";
import type { ServiceContext } from "../services/context.ts";
import { getOwnOrganization, setOwnOrganization, type Organization } from "../services/organizations/organization.service.ts";
import { listPartners, setPartner } from "../services/organizations/partner.service.ts";
import type { Command } from "./commands.ts";

const str = (value: string | boolean | undefined) => (typeof value === "string" ? value : undefined);

function describe(org: Organization): string {
  return [
    `Organization: ${org.name}${org.shortName ? ` (${org.shortName})` : ""} — ${org.domain}`,
    `  logo: ${org.logoUrl ?? "-"}`,
    `  website: ${org.website ?? "-"}`,
    `  description: ${org.description ?? "-"}`,
  ].join("\n");
}

export const ORGANIZATION_COMMANDS: Command[] = [
  {
    name: "org show",
    usage: "org show",
    summary: "show the organization this instance stands for",
    async run(ctx: ServiceContext) {
      return describe(await getOwnOrganization(ctx));
    },
  },
  {
    name: "org set",
    usage: "org set --name N [--short-name S] [--logo-url URL] [--website URL] [--description D]",
    summary: "set the organization's name, logo, website and description (published to peers)",
    options: {
      name: { type: "string" },
      "short-name": { type: "string" },
      "logo-url": { type: "string" },
      website: { type: "string" },
      description: { type: "string" },
    },
    async run(ctx, _positionals, values) {
      const current = await getOwnOrganization(ctx);
      // Options not given keep their current value.
      const pick = (option: string, now: string | null) => (values[option] === undefined ? now : str(values[option]));
      const org = await setOwnOrganization(ctx, cliActor(ctx), {
        name: pick("name", current.known ? current.name : null),
        shortName: pick("short-name", current.shortName),
        logoUrl: pick("logo-url", current.logoUrl),
        website: pick("website", current.website),
        description: pick("description", current.description),
      });
      return describe(org);
    },
  },
  {
    name: "partner list",
    usage: "partner list",
    summary: "organizations this instance knows, with their relationship, policy and join rule",
    async run(ctx) {
      const partners = await listPartners(ctx);
      if (partners.length === 0) return "No other organization known yet.";
      return [
        "domain\torganization\trelationship\tpolicy\tjoin rule",
        ...partners.map((p) => [p.domain, p.organization.name, p.relationship ?? "-", p.policy, p.joinRule].join("\t")),
      ].join("\n");
    },
  },
  {
    name: "partner set",
    usage:
      "partner set <domain> [--relationship customer|partner|supplier|affiliate|prospect|none] [--policy allow|block|limited] [--join-rule allow|approval|deny]",
    summary: "label an organization and set its federation policy and join rule",
    options: { relationship: { type: "string" }, policy: { type: "string" }, "join-rule": { type: "string" } },
    async run(ctx, positionals, values) {
      const domain = positionals[0];
      if (!domain) throw validationFailed(`Missing the domain. Usage: ecotone ${this.usage}`);
      const p = await setPartner(ctx, cliActor(ctx), domain, {
        relationship: values.relationship === undefined ? undefined : str(values.relationship),
        policy: str(values.policy),
        joinRule: str(values["join-rule"]),
      });
      return `${p.domain}: ${p.relationship ?? "no relationship"}, policy ${p.policy}, join rule ${p.joinRule}.`;
    },
  },
];
