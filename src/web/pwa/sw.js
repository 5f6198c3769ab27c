/* global self, caches, fetch, URL */
// Ecotone's service worker: keeps the offline shell (the page shown when the
// network is gone, with the stylesheet and script) so the installed app
// opens without a connection. Pages themselves are never cached: they are
// personal and marked no-store.
const CACHE = "ecotone-shell-v1";
const SHELL = ["/offline", "/assets/app.css", "/assets/app.js", "/assets/icon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match("/offline")));
    return;
  }
  const url = new URL(request.url);
  if (url.origin === self.location.origin && SHELL.includes(url.pathname)) {
    // The network first, so a new release's script arrives; the cache when offline.
    event.respondWith(fetch(request).catch(() => caches.match(request)));
  }
});
