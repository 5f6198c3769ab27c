// The one table of inbox handlers: one file per activity type.
import type { Federation } from "@fedify/fedify";
import { onPermanentDeliveryFailure, onUnverifiedActivity } from "./gone-actor.ts";
import { Accept, Announce, Block, Create, Delete, Flag, Follow, Invite, Join, Leave, Like, Reject, Undo, Update } from "@fedify/vocab";
import { PATHS } from "../../domain/uris.ts";
import type { ServiceContext } from "../../services/context.ts";
import { DomainError } from "../../domain/errors.ts";
import type { EcotoneInboxContext } from "./inbox.helpers.ts";
import { onAccept } from "./accept.handler.ts";
import { onAnnounce } from "./announce.handler.ts";
import { onBlock } from "./block.handler.ts";
import { onCreate } from "./create.handler.ts";
import { onDelete } from "./delete.handler.ts";
import { onFlag } from "./flag.handler.ts";
import { onJoin, onLeave } from "./join.handler.ts";
import { onLike } from "./like.handler.ts";
import { onFollow } from "./follow.handler.ts";
import { onReject } from "./reject.handler.ts";
import { onUndo } from "./undo.handler.ts";
import { onUpdate } from "./update.handler.ts";
import { onInvite } from "./invite.handler.ts";
import { INSTANCE_ACTOR_IDENTIFIER } from "../../domain/uris.ts";

/**
 * A refusal by our rules (not a member, not the author, banned…) is final:
 * logged and dropped. Retrying it would only refuse it again. Anything else
 * propagates, and Fedify retries the delivery with backoff.
 */
function final<T>(handler: (ctx: EcotoneInboxContext, activity: T) => Promise<void>) {
  return async (ctx: EcotoneInboxContext, activity: T): Promise<void> => {
    try {
      await handler(ctx, activity);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      ctx.data.logger.info({ code: error.code, reason: error.message }, "incoming activity refused");
    }
  };
}

export function registerInboxListeners(federation: Federation<ServiceContext>): void {
  federation.setOutboxPermanentFailureHandler(onPermanentDeliveryFailure);
  federation
    .setInboxListeners(PATHS.inbox, PATHS.sharedInbox)
    .setSharedKeyDispatcher(() => ({ identifier: INSTANCE_ACTOR_IDENTIFIER }))
    .on(Follow, final(onFollow))
    .on(Accept, final(onAccept))
    .on(Reject, final(onReject))
    .on(Undo, final(onUndo))
    .on(Update, final(onUpdate))
    .on(Create, final(onCreate))
    .on(Announce, final(onAnnounce))
    .on(Like, final(onLike))
    .on(Delete, final(onDelete))
    .on(Flag, final(onFlag))
    .on(Block, final(onBlock))
    .on(Join, final(onJoin))
    .on(Leave, final(onLeave))
    .on(Invite, final(onInvite))
    .onUnverifiedActivity(onUnverifiedActivity)
    .onError((ctx, error) => {
      ctx.data.logger.error({ err: error }, "inbox handler failed");
    });
}
