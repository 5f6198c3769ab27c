// The one table of inbox handlers: one file per activity type.
import type { Federation } from "@fedify/fedify";
import { onPermanentDeliveryFailure, onUnverifiedActivity } from "./gone-actor.ts";
import { Accept, Announce, Block, Create, Delete, Flag, Follow, Invite, Join, Leave, Like, Reject, Undo, Update } from "@fedify/vocab";
import { PATHS } from "../../domain/uris.ts";
import type { ServiceContext } from "../../services/context.ts";
import { gated } from "./gate.ts";
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

export function registerInboxListeners(federation: Federation<ServiceContext>): void {
  federation.setOutboxPermanentFailureHandler(onPermanentDeliveryFailure);
  federation
    .setInboxListeners(PATHS.inbox, PATHS.sharedInbox)
    // No Fedify idempotence check: its record is keyed by our origin and the
    // id, not by the sender, so a refused forgery could claim an honest id
    // (finding 50). The inbox log, keyed by the verified sender's origin, is
    // the one record (src/db/kv.store.ts, UNKEPT_PREFIXES; ADR 0103).
    .withIdempotency(() => null)
    .setSharedKeyDispatcher(() => ({ identifier: INSTANCE_ACTOR_IDENTIFIER }))
    .on(Follow, gated(onFollow))
    .on(Accept, gated(onAccept))
    .on(Reject, gated(onReject))
    .on(Undo, gated(onUndo))
    .on(Update, gated(onUpdate))
    .on(Create, gated(onCreate))
    .on(Announce, gated(onAnnounce))
    .on(Like, gated(onLike))
    .on(Delete, gated(onDelete))
    .on(Flag, gated(onFlag))
    .on(Block, gated(onBlock))
    .on(Invite, gated(onInvite))
    .on(Join, gated(onJoin))
    .on(Leave, gated(onLeave))
    .onUnverifiedActivity(onUnverifiedActivity)
    .onError((ctx, error) => {
      ctx.data.logger.error({ err: error }, "inbox handler failed");
    });
}
