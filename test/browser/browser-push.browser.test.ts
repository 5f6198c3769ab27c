// Browser push opt-in in a real browser: the notification settings page asks
// for nothing until the person presses the button; with permission, its
// script subscribes with the instance's VAPID key and posts the subscription,
// and a mention is then pushed to it (the loopback receiver decrypts it).
// Without permission the page says so and stores nothing. Headless Chromium
// has no push service, so the browser's own subscribe() is replaced by one
// that hands back the loopback receiver's endpoint and keys: everything of
// ours (page, script, form, server, worker, encryption) is real.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TestInstance } from "../helpers/instances.ts";
import { startPushReceiver, type PushReceiver } from "../helpers/push-receiver.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { BROWSER_PASSWORD as PASSWORD, describeInBrowser, expectFlash, signIn } from "../helpers/browser.ts";

let acme: TestInstance;
let receiver: PushReceiver;

/** Signed in within this context, whose permissions and scripts the test set. */
async function signedIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await signIn(page, acme.origin, username);
  return page;
}

describeInBrowser("browser push opt-in", (suite) => {
  beforeAll(async () => {
    acme = await suite.instance({ runQueueWorkers: false });
    receiver = await startPushReceiver();
    await createUser(acme.app.ctx, { username: "ada", password: PASSWORD, displayName: "Ada" });
    await createUser(acme.app.ctx, { username: "eve", password: PASSWORD, displayName: "Eve" });
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it("subscribes with the instance's key when the person asks, and a mention is pushed", async () => {
    const context = await suite.browser.newContext();
    await context.grantPermissions(["notifications"], { origin: acme.origin });
    await context.addInitScript(
      ({ endpoint, keys }) => {
        PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
          const key = new Uint8Array(options!.applicationServerKey as ArrayBuffer);
          // Kept across the form's page change.
          sessionStorage.setItem(
            "askedKey",
            btoa(String.fromCharCode(...key))
              .replace(/\+/g, "-")
              .replace(/\//g, "_")
              .replace(/=+$/, ""),
          );
          return { toJSON: () => ({ endpoint, keys }) } as unknown as PushSubscription;
        };
      },
      { endpoint: receiver.endpoint, keys: receiver.keys },
    );
    const page = await signedIn(context, "ada");
    await page.goto(`${acme.origin}/settings/notifications`);
    // The service worker that shows pushes is in place.
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL)).toBe(`${acme.origin}/sw.js`);
    await page.getByRole("button", { name: "Notify me in this browser" }).click();
    await expectFlash(page, "This browser will show your notifications");
    await page.getByRole("button", { name: "Stop notifications in this browser" }).waitFor();
    const vapid = (await acme.api(null, "GET", "/api/v2/instance")).body.configuration.vapid.public_key;
    expect(await page.evaluate(() => sessionStorage.getItem("askedKey"))).toBe(vapid);

    const eve = await acme.user("eve2");
    await acme.api(eve.token, "POST", "/api/v1/statuses", { status: "@ada the crane is booked" });
    await acme.app.channels.drain();
    expect(receiver.received).toHaveLength(1);
    expect(String(receiver.received[0]!.payload.body)).toContain("the crane is booked");
    await context.close();
  });

  it("without the person's permission, says so and stores nothing", async () => {
    const context = await suite.browser.newContext();
    const page = await signedIn(context, "eve");
    await page.goto(`${acme.origin}/settings/notifications`);
    page.on("dialog", (d) => void d.dismiss());
    await page.evaluate(() => {
      // As a browser does when the person blocks the site.
      window.Notification.requestPermission = async () => "denied";
    });
    await page.getByRole("button", { name: "Notify me in this browser" }).click();
    await page.getByText("Notifications are blocked for this site").waitFor();
    await page.reload();
    expect(await page.getByRole("button", { name: "Notify me in this browser" }).count()).toBe(1);
    await context.close();
  });
});
