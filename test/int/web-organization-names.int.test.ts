// The organization marks a page leaves for its people (ADR 52) are replaced
// once per page from one batch read; text from elsewhere that imitates a mark
// (private-use characters in a display name or a post) stays as it was and
// never becomes another company's name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { upsertOrganization } from "../../src/db/repos/organization.repo.ts";
import { getOwnOrganization } from "../../src/services/organizations/organization.service.ts";
import { nameOrganizations, organizationChip, organizationName } from "../../src/web/organization-names.ts";
import { html } from "../../src/web/html.ts";

let a: TestInstance;

beforeAll(async () => {
  a = await startInstance();
  const learned = { isLocal: false, fetched: true };
  await upsertOrganization(
    a.app.ctx.db,
    "globex.example",
    { name: "Globex <Corporation>", short_name: "Globex", logo_url: "https://globex.example/logo.png", website: null, description: null, actor_uri: null },
    learned,
  );
  await upsertOrganization(
    a.app.ctx.db,
    "initech.example",
    { name: "Initech", short_name: null, logo_url: null, website: null, description: null, actor_uri: null },
    learned,
  );
});

afterAll(async () => {
  await a?.close();
});

describe("organization names on a page", () => {
  it("names every marked domain, escaping what the peer said about itself", async () => {
    const page = html`<p>${organizationChip("globex.example")} ${organizationChip("initech.example")}</p><p>Gina (${organizationName("globex.example")}) moved it</p>`;
    const out = await nameOrganizations(a.app.ctx, page.value);
    expect(out).toContain(
      '<span class="org" title="Globex &lt;Corporation&gt; (globex.example)"><img src="https://globex.example/logo.png" alt="" width="16" height="16" loading="lazy"> Globex</span>',
    );
    expect(out).toContain('<span class="org" title="initech.example">Initech</span>');
    expect(out).toContain("Gina (Globex) moved it");
    expect(out).not.toMatch(/[\uE000\uE001]/);
  });

  it("shows the domain of a company not learned yet", async () => {
    expect(await nameOrganizations(a.app.ctx, html`<p>${organizationName("unknown.example")}</p>`.value)).toBe("<p>unknown.example</p>");
  });

  it("shows a peer's domain when it takes our name or another company's on the page; a name of its own shows alone", async () => {
    const own = await getOwnOrganization(a.app.ctx);
    const learned = { isLocal: false, fetched: true };
    const claim = (name: string) => ({ name, short_name: null, logo_url: null, website: null, description: null, actor_uri: null });
    await upsertOrganization(a.app.ctx.db, "evil.example", claim(` ${own.name.toUpperCase()} `), learned);
    await upsertOrganization(a.app.ctx.db, "initech-copy.example", claim("ＩＮＩＴＥＣＨ"), learned);
    const page = html`<p>${organizationChip("evil.example")} ${organizationName("initech.example")} ${organizationName("initech-copy.example")} ${organizationName("globex.example")}</p>`;
    const out = await nameOrganizations(a.app.ctx, page.value);
    expect(out).toContain(`>${own.name.toUpperCase()} (evil.example)</span>`);
    expect(out).toContain("Initech (initech.example)");
    expect(out).toContain("ＩＮＩＴＥＣＨ (initech-copy.example)");
    // The control: Globex's name is its own, so its chip and words stay short.
    expect(out).toContain(" Globex</p>");
    expect(await nameOrganizations(a.app.ctx, html`<p>${organizationName("initech.example")}</p>`.value)).toBe("<p>Initech</p>");
  });

  it("leaves an imitation of a mark in someone's text alone", async () => {
    const forged = "Eve \uE000chip:globex.example\uE001 \uE000AAAAAAAAAAAA:name:globex.example\uE001";
    const out = await nameOrganizations(a.app.ctx, html`<p>${forged}</p>`.value);
    expect(out).toBe(`<p>${forged}</p>`);
    expect(out).not.toContain("Globex");
  });
});
