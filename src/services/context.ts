// What every service needs: the database and the instance's identity. Built
// once in app.ts and passed down; services never reach for globals.
import type { Kysely } from "kysely";
import type { DatabaseHandle } from "../db/database.ts";
import type { ActorRow, Database } from "../db/schema.ts";
import type { RemoteOrganizationData } from "./organizations/organization.service.ts";
import type { CompanySignIn } from "./accounts/oidc.service.ts";

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

/**
 * What services may ask of the network, implemented by the federation layer
 * (services never import Fedify). Absent in contexts that have no network,
 * such as the offline CLI.
 */
export interface RemoteCollectionPage {
  ids: string[];
  /** The next page's URL, on the collection's own server; null at the end. */
  next: string | null;
  /** The collection's `totalItems`, when it says. */
  total: number | null;
}

export interface RemoteDirectory {
  /** Resolves `@user@host`, `acct:user@host` or an actor URL to a cached actor, fetching it when needed. */
  resolveActor(handleOrUri: string): Promise<ActorRow>;
  /** Fetches a post by URL and stores it; returns its canonical URI. */
  resolvePost?(url: string): Promise<string | null>;
  /** What another instance publishes about its organization (null when it says nothing). */
  fetchOrganization?(domain: string): Promise<RemoteOrganizationData | null>;
  /** The item ids of a remote collection (a group's members), fetched signed by the instance actor. */
  fetchCollectionIds?(url: string): Promise<string[]>;
  /** One page of a remote collection: the first (`page` null) or the page at `page` (on the collection's own server). */
  fetchCollectionPage?(url: string, page: string | null): Promise<RemoteCollectionPage>;
}

export interface ServiceContext {
  readonly db: Kysely<Database>;
  readonly database: DatabaseHandle;
  /** The instance's public origin; every local URI starts with it. */
  readonly origin: URL;
  readonly instanceName: string;
  readonly logger: Logger;
  /** Where uploaded media files are kept. */
  mediaDir?: string;
  /** Set by the composition root once the federation layer exists. */
  remote?: RemoteDirectory;
  /** Wakes the outbox after a commit that recorded events (set by app.ts). */
  onOutboxEvent?: () => void;
  /** Company sign-in (OpenID Connect), when configured; and whether passwords still sign in (docs/channels.md). */
  companySignIn?: CompanySignIn;
  passwordSignIn?: boolean;
  /** The domain of reply-by-email addresses, when the inbound mail listener runs. */
  replyDomain?: string;
  /** Signs a provider's calls to the inbound-mail webhook (ECOTONE_INBOUND_MAIL_SECRET); unset: the webhook is off. */
  inboundMailSecret?: string;
}
