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

// Browser push (opt-in on the notification settings page): the server sends
// Mastodon's payload (title, body, icon), encrypted for this browser; show it,
// and open the notifications page when it is clicked.
self.addEventListener("push", (event) => {
  let payload;
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { title: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(payload.title || "New notification", {
      body: payload.body || "",
      icon: payload.icon || "/assets/icon.svg",
      tag: payload.notification_id ? `n-${payload.notification_id}` : undefined,
      data: { url: "/notifications" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || "/notifications", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === url);
      return open ? open.focus() : self.clients.openWindow(url);
    }),
  );
});
