// Browser push for our own web interface: the notification settings page
// offers it (opt-in: the key is on the page, nothing is subscribed until the
// person asks), stores the browser's subscription for that session, and the
// same worker sends an encrypted notification that the loopback receiver
// decrypts with the browser's keys. Bad keys are refused with nothing stored;
// signing out stops it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startPushReceiver, type PushReceiver } from "../helpers/push-receiver.ts";
import { Visitor } from "../helpers/web-visitor.ts";

describe("browser push for the web interface", () => {
  let instance: TestInstance;
  let receiver: PushReceiver;
  let bob: TestUser;

  beforeAll(async () => {
    instance = await startInstance({ runQueueWorkers: false });
    receiver = await startPushReceiver();
    await instance.user("ada");
    bob = await instance.user("bob");
  });
  afterAll(async () => {
    await instance.close();
    await receiver.close();
  });

  it("subscribes this browser when asked, pushes a decryptable notification, and stops at sign-out", async () => {
    const web = new Visitor(instance.origin);
    await web.signIn("ada");
    const page = await web.get("/settings/notifications");
    const key = /data-vapid-key="([^"]+)"/.exec(page.text_)?.[1];
    // The same VAPID key as Mastodon apps get.
    expect(key).toBe((await instance.api(null, "GET", "/api/v2/instance")).body.configuration.vapid.public_key);
    expect(page.text_).toContain("Notify me in this browser");

    // A subscription the browser did not give, or with broken keys: a clear error, nothing stored.
    expect(await web.flashAfter(await web.post("/settings/push", { endpoint: "", p256dh: "", auth: "" }))).toContain("allow notifications");
    expect(await web.flashAfter(await web.post("/settings/push", { endpoint: receiver.endpoint, p256dh: "short", auth: receiver.keys.auth }))).toContain(
      "not valid",
    );
    await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "@ada before you opted in" });
    await instance.app.channels.drain();
    expect(receiver.received).toHaveLength(0);

    await web.get("/settings/notifications");
    const on = await web.post("/settings/push", { endpoint: receiver.endpoint, p256dh: receiver.keys.p256dh, auth: receiver.keys.auth });
    expect(await web.flashAfter(on)).toContain("This browser will show your notifications");
    expect((await web.get("/settings/notifications")).text_).toContain("Stop notifications in this browser");

    await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "@ada the forklift is back" });
    await instance.app.channels.drain();
    expect(receiver.received).toHaveLength(1);
    const [push] = receiver.received;
    expect(push!.payload).toMatchObject({ notification_type: "mention" });
    expect(String(push!.payload.title)).toContain("mentioned you");
    expect(String(push!.payload.body)).toContain("the forklift is back");
    // No app token belongs to a browser session: none is sent.
    expect(push!.payload.access_token).toBeUndefined();
    expect(String(push!.headers.authorization).split("k=")[1]).toBe(key);

    await web.get("/settings/notifications");
    await web.post("/sign-out", {});
    await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "@ada after you left" });
    await instance.app.channels.drain();
    expect(receiver.received).toHaveLength(1);
  });

  it("turns it off from the page", async () => {
    const web = new Visitor(instance.origin);
    await web.signIn("ada");
    await web.get("/settings/notifications");
    await web.post("/settings/push", { endpoint: receiver.endpoint, p256dh: receiver.keys.p256dh, auth: receiver.keys.auth });
    await web.get("/settings/notifications");
    expect(await web.flashAfter(await web.post("/settings/push/off", {}))).toContain("no longer");
    const before = receiver.received.length;
    await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "@ada not in this browser" });
    await instance.app.channels.drain();
    expect(receiver.received).toHaveLength(before);
  });
});
