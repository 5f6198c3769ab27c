// The Mastodon Tag entity (docs.joinmastodon.org/entities/Tag).
export interface MastodonTag {
  name: string;
  url: string;
  history: Array<{ day: string; uses: string; accounts: string }>;
  following?: boolean;
}

export function toMastodonTag(name: string, origin: URL, extras: { following?: boolean | undefined; history?: MastodonTag["history"] } = {}): MastodonTag {
  return {
    name,
    url: new URL(`/tags/${encodeURIComponent(name)}`, origin).href,
    history: extras.history ?? [],
    ...(extras.following !== undefined ? { following: extras.following } : {}),
  };
}
