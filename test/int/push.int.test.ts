// The Mastodon push API, driven by masto.js as a mobile app would: the
// subscription's loopback receiver decrypts each RFC 8291 message with its
// own keys and gets the notification Mastodon would send.
import { createRestAPIClient } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startPushReceiver, type PushReceiver } from "../helpers/push-receiver.ts";
import { setSuspended } from "../../src/services/accounts/user.service.ts";

describe("Mastodon push subscriptions", () => {
  let instance: TestInstance;
  let receiver: PushReceiver;
  let ada: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    // Workers off: the test runs the channel worker itself, so nothing depends on timing.
    instance = await startInstance({ runQueueWorkers: false });
    receiver = await startPushReceiver();
    ada = await instance.user("ada", { scopes: "read write follow push" });
    bob = await instance.user("bob");
  });
  afterAll(async () => {
    await instance.close();
    await receiver.close();
  });

  it("delivers an encrypted mention that decrypts to Mastodon's payload", async () => {
    const masto = createRestAPIClient({ url: instance.origin, accessToken: ada.token });
    const subscription = await masto.v1.push.subscription.create({
      subscription: { endpoint: receiver.endpoint, keys: receiver.keys },
      data: { alerts: { mention: true, favourite: false } },
      policy: "all",
    });
    expect(subscription.endpoint).toBe(receiver.endpoint);
    expect(subscription.alerts).toMatchObject({ mention: true, favourite: false });
    expect(subscription.serverKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
    expect((await masto.v1.push.subscription.fetch()).id).toBe(subscription.id);

    const mention = await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "@ada the release notes are ready" });
    await instance.api(
      bob.token,
      "POST",
      `/api/v1/statuses/${(await instance.api(ada.token, "POST", "/api/v1/statuses", { status: "mine" })).body.id}/favourite`,
    );
    await instance.app.channels.drain();

    expect(receiver.received).toHaveLength(1);
    const [push] = receiver.received;
    const [notification] = await masto.v1.notifications.list({ types: ["mention"] });
    expect(push!.payload).toMatchObject({
      notification_id: notification!.id,
      notification_type: "mention",
      preferred_locale: "en",
    });
    expect(push!.payload.title).toContain("mentioned you");
    expect(push!.payload.body).toContain("the release notes are ready");
    expect(notification!.status?.id).toBe(mention.body.id);
    // Signed with the key the app was given (RFC 8292).
    const authorization = String(push!.headers.authorization);
    expect(authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=/);
    expect(authorization.split("k=")[1]).toBe(subscription.serverKey);
    const claims = JSON.parse(Buffer.from(authorization.split("t=")[1]!.split(".")[1]!, "base64url").toString());
    expect(claims.aud).toBe(new URL(receiver.endpoint).origin);

    // The message names the app's own token, as Mastodon's does, and the app fetches the notification with it.
    expect(push!.payload.access_token).toBe(ada.token);
    const fetched = await createRestAPIClient({ url: instance.origin, accessToken: push!.payload.access_token as string })
      .v1.notifications.$select(String(push!.payload.notification_id))
      .fetch();
    expect(fetched.status?.id).toBe(mention.body.id);
    // Nothing in the stored subscription reads as the token.
    const stored = await instance.app.ctx.db.selectFrom("push_subscriptions").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(ada.token);
  });

  it("tells apps the VAPID key in the instance and on their registration, as Mastodon does", async () => {
    const masto = createRestAPIClient({ url: instance.origin, accessToken: ada.token });
    const serverKey = (await masto.v1.push.subscription.fetch()).serverKey;
    expect((await masto.v2.instance.fetch()).configuration.vapid.publicKey).toBe(serverKey);
    const app = await createRestAPIClient({ url: instance.origin }).v1.apps.create({
      clientName: "Pocket",
      redirectUris: "urn:ietf:wg:oauth:2.0:oob",
      scopes: "read push",
    });
    expect(app.vapidKey).toBe(serverKey);
  });

  it("changes alerts with PUT and stops with DELETE", async () => {
    const masto = createRestAPIClient({ url: instance.origin, accessToken: ada.token });
    const updated = await masto.v1.push.subscription.update({ data: { alerts: { mention: false, favourite: true } } });
    expect(updated.alerts).toMatchObject({ mention: false, favourite: true });
    const before = receiver.received.length;
    await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "@ada not pushed any more" });
    await instance.app.channels.drain();
    expect(receiver.received).toHaveLength(before);

    await masto.v1.push.subscription.remove();
    expect((await instance.api(ada.token, "GET", "/api/v1/push/subscription")).status).toBe(404);
  });

  it("refuses bad keys and tokens without the push scope, keeping the subscription", async () => {
    const carol = await instance.user("carol", { scopes: "read write push" });
    const good = { subscription: { endpoint: receiver.endpoint, keys: receiver.keys }, data: { alerts: { mention: true } } };
    expect((await instance.api(carol.token, "POST", "/api/v1/push/subscription", good)).status).toBe(200);
    const bad = await instance.api(carol.token, "POST", "/api/v1/push/subscription", {
      subscription: { endpoint: receiver.endpoint, keys: { p256dh: "short", auth: receiver.keys.auth } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toContain("p256dh");
    expect(
      (await instance.api(carol.token, "POST", "/api/v1/push/subscription", { ...good, subscription: { ...good.subscription, endpoint: "ftp://x" } })).status,
    ).toBe(422);
    expect((await instance.api(carol.token, "GET", "/api/v1/push/subscription")).body.alerts.mention).toBe(true);
    expect((await instance.api(bob.token, "POST", "/api/v1/push/subscription", good)).status).toBe(403);
  });

  it("pushes nothing more to an account once it is suspended; pushes to it before (control)", async () => {
    const eve = await instance.user("eve", { scopes: "read write push" });
    await instance.api(eve.token, "POST", "/api/v1/push/subscription", {
      subscription: { endpoint: receiver.endpoint, keys: receiver.keys },
      data: { alerts: { mention: true }, policy: "all" },
    });
    const before = receiver.received.length;
    await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "@eve before the suspension" });
    await instance.app.channels.drain();
    expect(receiver.received).toHaveLength(before + 1);
    await setSuspended(instance.app.ctx, "eve", true);
    await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "@eve the layoff list, keep it quiet" });
    await instance.app.channels.drain();
    expect(receiver.received).toHaveLength(before + 1);
  });

  it("drops a subscription whose push service says it is gone", async () => {
    const dan = await instance.user("dan", { scopes: "read write push" });
    await instance.api(dan.token, "POST", "/api/v1/push/subscription", {
      subscription: { endpoint: receiver.endpoint, keys: receiver.keys },
      data: { alerts: { mention: true } },
    });
    receiver.answer(410);
    await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "@dan hello" });
    await instance.app.channels.drain();
    receiver.answer(201);
    expect((await instance.api(dan.token, "GET", "/api/v1/push/subscription")).status).toBe(404);
  });
});
