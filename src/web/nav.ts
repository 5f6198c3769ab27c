// The tab rows of the admin pages, of a group and of a person's settings, in
// one place: a new page adds its entry here and every page of that area
// shows it (insights' /admin/insights and a group's insights; channels'
// notification preferences and outgoing mail).
import { html, type Html } from "./html.ts";

export interface Tab {
  /** For a group's tabs, what follows /g/:ref ("" for its posts). */
  href: string;
  label: string;
  key: string;
}

export const ADMIN_TABS: Tab[] = [
  { href: "/admin", label: "People", key: "users" },
  { href: "/admin/groups", label: "Groups", key: "groups" },
  { href: "/admin/federation", label: "Federation", key: "federation" },
  { href: "/admin/deliveries", label: "Deliveries", key: "deliveries" },
  { href: "/admin/reports", label: "Reports", key: "reports" },
  { href: "/admin/organization", label: "Organization", key: "organization" },
  { href: "/admin/partners", label: "Partners", key: "partners" },
  { href: "/admin/insights", label: "Insights", key: "insights" },
  { href: "/admin/mail", label: "Outgoing mail", key: "mail" },
];

export const GROUP_TABS: Tab[] = [
  { href: "", label: "Posts", key: "posts" },
  { href: "/tasks", label: "Tasks", key: "tasks" },
  { href: "/ideas", label: "Ideas", key: "ideas" },
  { href: "/members", label: "Members", key: "members" },
];

/** Those who may see the group's insights also get its tab (the page itself applies the same rule). */
export const INSIGHT_GROUP_TABS: Tab[] = [...GROUP_TABS, { href: "/insights", label: "Insights", key: "insights" }];

/** Shown above the settings pages once there is more than one. */
export const SETTINGS_TABS: Tab[] = [
  { href: "/settings", label: "Profile and password", key: "profile" },
  { href: "/settings/notifications", label: "Notifications", key: "notifications" },
];

/** A row of tabs, the current one marked for assistive technology too. */
export function tabRow(label: string, tabs: readonly Tab[], active: string, hrefOf: (tab: Tab) => string = (t) => t.href): Html {
  if (tabs.length < 2) return html``;
  return html`<nav class="tabs" aria-label="${label}">${tabs.map(
    (t, i) => html`${i > 0 ? " " : ""}<a href="${hrefOf(t)}"${t.key === active ? html` aria-current="page"` : ""}>${t.label}</a>`,
  )}</nav>`;
}
