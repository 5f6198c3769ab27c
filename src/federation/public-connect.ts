// Closes the DNS-rebinding gap in Fedify 2.3.8 (GHSA-r48c-xx2h-fv4g, fixed in
// 2.3.15, which the registry does not have): Fedify resolves a host name to
// check that it is public, then fetch() resolves it again to connect, so a
// name that answers a public address to the first lookup and 127.0.0.1 to
// the second reached internal services. With this dispatcher the connection
// itself resolves the name and refuses to open a socket to any address that
// is not public (the same ranges Fedify refuses: private, loopback,
// link-local, ULA, NAT64/Teredo/6to4 forms of those, IPv4-mapped…).
// IP literals never reach a lookup, so the connector refuses a non-public
// literal itself: Fedify's own check covers only the fetches Fedify makes,
// and Web Push endpoints or a redirect's target are plain fetches
// (docs/security.md, finding 49).
import dns, { type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { isValidPublicIPv4Address, isValidPublicIPv6Address } from "@fedify/vocab-runtime";
import { Agent, buildConnector } from "undici";

export class PrivateAddressError extends Error {
  readonly code = "ECOTONE_PRIVATE_ADDRESS";
  constructor(hostname: string, address: string | undefined) {
    super(
      address
        ? `${hostname} resolves to ${address}, which is not a public address; refused (set ECOTONE_ALLOW_PRIVATE_ADDRESSES=true for local development only)`
        : `${hostname} resolves to no address`,
    );
    this.name = "PrivateAddressError";
  }
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  return family === 4 ? isValidPublicIPv4Address(address) : family === 6 ? isValidPublicIPv6Address(address) : false;
}

type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;
type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for sockets that answers only with public addresses. `resolve` is node:dns's lookup unless a test gives another. */
export function publicOnlyLookup(resolve: Resolver = (h, o, c) => dns.lookup(h, o, c)) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.length === 0 ? { address: undefined } : addresses.find((a) => !isPublicAddress(a.address));
      if (refused) return callback(new PrivateAddressError(hostname, refused.address), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** An undici dispatcher whose connections go to public addresses only, named or literal. */
export function createPublicOnlyDispatcher(): Agent {
  const connect = buildConnector({ lookup: publicOnlyLookup() });
  return new Agent({
    connect(options, callback) {
      const literal = options.hostname.replace(/^\[(.*)\]$/, "$1");
      if (isIP(literal) && !isPublicAddress(literal)) return callback(new PrivateAddressError(options.hostname, literal), null);
      return connect(options, callback);
    },
  });
}
