// The HTTP POST of a webhook delivery, under the same outbound rules as
// federation: no private, loopback or link-local targets unless the instance
// allows them (development), no redirects followed, the process-wide deadline
// and size cap of fetch-guard.ts. Lives here because the address check is
// Fedify's (validatePublicUrl), and only src/federation/ imports Fedify.
import { validatePublicUrl } from "@fedify/vocab-runtime";
import type { WebhookTransport } from "../../services/apps/webhook-delivery.service.ts";

export function createWebhookTransport(options: { allowPrivateAddresses: boolean }): WebhookTransport {
  return {
    async post(url, headers, body) {
      if (!options.allowPrivateAddresses) await validatePublicUrl(url);
      const response = await fetch(url, { method: "POST", headers, body, redirect: "manual" });
      // Only the status matters; read (and drop) a little of the body so the connection is reused.
      await response.body?.cancel().catch(() => {});
      return { status: response.status };
    },
  };
}
