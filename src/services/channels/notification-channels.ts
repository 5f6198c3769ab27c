// The one hook between notifications and the channels (mail, push): a
// notification just recorded is marked for the channel workers in the same
// transaction, so a crash never loses it and a retry never doubles it.
import type { Kysely, Transaction } from "kysely";
import { markForChannels } from "../../db/repos/notification-channel.repo.ts";
import type { Database } from "../../db/schema.ts";

export async function offerToChannels(db: Kysely<Database> | Transaction<Database>, notificationId: string | null, recipientId: string): Promise<void> {
  if (notificationId) await markForChannels(db, notificationId, recipientId);
}
