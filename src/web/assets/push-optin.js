/* global atob */
// Browser push opt-in on the notification settings page: only when the person
// presses the button does the page ask the browser (which asks them) for a
// push subscription with our VAPID key; the form then posts it, so the
// server stores it for this browser session. Without push support the page
// says so and posts nothing.
const form = document.querySelector("form[data-push-optin]");

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function say(message) {
  const status = form.querySelector("[data-push-status]");
  status.textContent = message;
  status.hidden = false;
}

if (form) {
  form.addEventListener("submit", async (event) => {
    if (form.elements.endpoint.value) return;
    event.preventDefault();
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      say("This browser cannot show notifications from web pages.");
      return;
    }
    try {
      if ((await window.Notification.requestPermission()) !== "granted") {
        say("Notifications are blocked for this site; allow them in the browser's site settings, then try again.");
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(form.dataset.vapidKey) });
      const json = subscription.toJSON();
      form.elements.endpoint.value = json.endpoint;
      form.elements.p256dh.value = json.keys.p256dh;
      form.elements.auth.value = json.keys.auth;
      form.submit();
    } catch (error) {
      say(`The browser refused a push subscription (${error.message}); try again later.`);
    }
  });
}
