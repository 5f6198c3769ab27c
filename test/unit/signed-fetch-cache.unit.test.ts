// The short-lived cache of signed GETs (src/federation/signed-fetch.cache.ts):
// the same signer asking for the same ActivityPub document within the TTL
// gets the stored answer without a request to the peer; anything else (an
// unsigned request, another signer, an error, another content type, an
// expired entry) reaches the peer.
import { describe, expect, it } from "vitest";
import { cachingFetch, SignedFetchCache, withFreshFetches } from "../../src/federation/signed-fetch.cache.ts";

const AP = "application/activity+json";

function peer(
  answer: (url: string) => Response = () =>
    new Response(JSON.stringify({ id: "https://peer.example/users/a", type: "Person" }), { headers: { "content-type": AP } }),
) {
  const requests: Request[] = [];
  const inner = (async (input: RequestInfo | URL) => {
    const request = input as Request;
    requests.push(request);
    return answer(request.url);
  }) as typeof fetch;
  return { requests, inner };
}

function signedGet(url: string, keyId = "https://us.example/actor#main-key", accept = AP): Request {
  return new Request(url, {
    headers: {
      accept,
      "signature-input": `sig1=("@method" "@target-uri");keyid="${keyId}";alg="rsa-v1_5-sha256";created=1`,
      signature: "sig1=:AAAA:",
    },
  });
}

describe("signed fetch cache", () => {
  it("answers the same signer's second GET of a document from memory, with the same body and URL", async () => {
    const { requests, inner } = peer();
    const fetchIt = cachingFetch(inner, new SignedFetchCache({ ttlMs: 60_000 }));
    const first = await fetchIt(signedGet("https://peer.example/users/a"), { redirect: "manual" });
    const second = await fetchIt(signedGet("https://peer.example/users/a#main-key"), { redirect: "manual" });
    expect(requests).toHaveLength(1);
    expect(await first.json()).toEqual({ id: "https://peer.example/users/a", type: "Person" });
    expect(await second.json()).toEqual({ id: "https://peer.example/users/a", type: "Person" });
    expect(second.url).toBe("https://peer.example/users/a");
    expect(second.headers.get("content-type")).toBe(AP);
  });

  it("never shows one signer what another was shown", async () => {
    const { requests, inner } = peer();
    const fetchIt = cachingFetch(inner, new SignedFetchCache({ ttlMs: 60_000 }));
    await fetchIt(signedGet("https://peer.example/users/a", "https://us.example/actor#main-key"));
    await fetchIt(signedGet("https://peer.example/users/a", "https://us.example/users/alice#main-key"));
    expect(requests).toHaveLength(2);
  });

  it("does not cache unsigned requests, errors, other content types or other methods", async () => {
    let status = 500;
    const { requests, inner } = peer((url) =>
      url.endsWith("/html")
        ? new Response("<p>hi</p>", { headers: { "content-type": "text/html" } })
        : new Response("{}", { status, headers: { "content-type": AP } }),
    );
    const fetchIt = cachingFetch(inner, new SignedFetchCache({ ttlMs: 60_000 }));
    await fetchIt(new Request("https://peer.example/users/b", { headers: { accept: AP } }));
    await fetchIt(new Request("https://peer.example/users/b", { headers: { accept: AP } }));
    expect(requests).toHaveLength(2);
    await fetchIt(signedGet("https://peer.example/users/c"));
    status = 200;
    const after = await fetchIt(signedGet("https://peer.example/users/c"));
    expect(after.status).toBe(200);
    expect(requests).toHaveLength(4);
    await fetchIt(signedGet("https://peer.example/html"));
    await fetchIt(signedGet("https://peer.example/html"));
    expect(requests).toHaveLength(6);
    const post = new Request("https://peer.example/inbox", { method: "POST", body: "{}", headers: signedGet("https://peer.example/inbox").headers });
    await fetchIt(post);
    await fetchIt(new Request("https://peer.example/inbox", { method: "POST", body: "{}", headers: signedGet("https://peer.example/inbox").headers }));
    expect(requests).toHaveLength(8);
  });

  it("asks the peer again once the entry has expired, or after it was evicted", async () => {
    const { requests, inner } = peer();
    const cache = new SignedFetchCache({ ttlMs: 30 });
    const fetchIt = cachingFetch(inner, cache);
    await fetchIt(signedGet("https://peer.example/users/a"));
    await new Promise((r) => setTimeout(r, 60));
    await fetchIt(signedGet("https://peer.example/users/a"));
    expect(requests).toHaveLength(2);
    const long = new SignedFetchCache({ ttlMs: 60_000 });
    const again = cachingFetch(inner, long);
    await again(signedGet("https://peer.example/users/a"));
    long.evict("https://peer.example/users/a#main-key");
    await again(signedGet("https://peer.example/users/a"));
    expect(requests).toHaveLength(4);
  });

  it("asks the peer for what an Update said changed, and serves the new copy afterwards", async () => {
    let name = "Old name";
    const { requests, inner } = peer(
      () => new Response(JSON.stringify({ id: "https://peer.example/users/a", type: "Person", name }), { headers: { "content-type": AP } }),
    );
    const fetchIt = cachingFetch(inner, new SignedFetchCache({ ttlMs: 60_000 }));
    await fetchIt(signedGet("https://peer.example/users/a"));
    name = "New name";
    // Work done because a document changed: every lookup in it reaches the peer.
    const seen = await withFreshFetches(async () => (await (await fetchIt(signedGet("https://peer.example/users/a"))).json()) as { name: string });
    expect(seen.name).toBe("New name");
    expect(requests).toHaveLength(2);
    // Outside it, the fresh copy is what the cache serves.
    const later = (await (await fetchIt(signedGet("https://peer.example/users/a"))).json()) as { name: string };
    expect(later.name).toBe("New name");
    expect(requests).toHaveLength(2);
  });

  it("is off with a TTL of 0", async () => {
    const { requests, inner } = peer();
    const fetchIt = cachingFetch(inner, new SignedFetchCache({ ttlMs: 0 }));
    await fetchIt(signedGet("https://peer.example/users/a"));
    await fetchIt(signedGet("https://peer.example/users/a"));
    expect(requests).toHaveLength(2);
  });
});
