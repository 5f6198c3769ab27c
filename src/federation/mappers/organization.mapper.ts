// Our organization on every local Person: a PropertyValue "Organization"
// (what Mastodon shows as a profile field) linking to the organization, and
// `organization` in our own JSON-LD namespace naming the instance actor that
// speaks for it, so other Ecotone instances need not parse HTML.
import { Person, PropertyValue } from "@fedify/vocab";
import { ECOTONE_NS } from "../forgefed/vocabulary.ts";
import { escapeHtml } from "./escape.ts";
import type { Organization } from "../../services/organizations/organization.service.ts";

type PersonValues = ConstructorParameters<typeof Person>[0];

const ORGANIZATION_TERM = { ecotone: ECOTONE_NS, organization: { "@id": "ecotone:organization", "@type": "@id" } };
const EXPANDED_TERM = `${ECOTONE_NS}organization`;

/** A Person that also says, in our namespace, which organization it belongs to. */
class OrganizationPerson extends Person {
  readonly #organizationUri: string;

  constructor(values: PersonValues, organizationUri: string) {
    super(values);
    this.#organizationUri = organizationUri;
  }

  override async toJsonLd(options?: Parameters<Person["toJsonLd"]>[0]): Promise<unknown> {
    const json = (await super.toJsonLd(options)) as Record<string, unknown>;
    if (!json || typeof json !== "object" || Array.isArray(json)) return json;
    if ("@context" in json) {
      const context = json["@context"];
      json["@context"] = [...(Array.isArray(context) ? context : [context]), ORGANIZATION_TERM];
      json.organization = this.#organizationUri;
    } else {
      json[EXPANDED_TERM] = [{ "@id": this.#organizationUri }];
    }
    return json;
  }
}

export function organizationField(org: Organization, origin: URL): PropertyValue {
  const href = org.website ?? origin.href;
  return new PropertyValue({
    name: "Organization",
    value: `<a href="${escapeHtml(href)}" rel="nofollow noopener noreferrer" target="_blank">${escapeHtml(org.name)}</a>`,
  });
}

/** A local Person with its organization attached (after any profile fields it already has). */
export function personWithOrganization(values: PersonValues, org: Organization, origin: URL): Person {
  const attachments = [...(values.attachments ?? []), organizationField(org, origin)];
  return org.actorUri ? new OrganizationPerson({ ...values, attachments }, org.actorUri) : new Person({ ...values, attachments });
}
