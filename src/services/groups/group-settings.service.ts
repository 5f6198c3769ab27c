// A group's settings that its moderators change after creation: the
// questions (Q&A) switch of issue 16, and whether members see the group's
// insights (issue 15). Every change is audited. The questions switch is pushed
// to the member instances as an Update of the group actor, which states it
// (`ecotone:questions`), so they refuse a question before sending it; insights
// exist only at the home, so that switch stays here.
import { updateGroupSettings } from "../../db/repos/group.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { validationFailed } from "../../domain/errors.ts";
import { assertCanModerate } from "../../domain/group.rules.ts";
import { assertMembersMaySeeInsights } from "../../domain/insight.rules.ts";
import { requireLocalUserActor } from "../accounts/actor.service.ts";
import { auditActorOf, recordAudit } from "../organizations/audit.service.ts";
import { commitAndWake as commit } from "../commit.ts";
import type { ServiceContext } from "../context.ts";
import { findGroup, getGroup, membershipOf, type GroupView } from "./group.service.ts";

export interface GroupSettingsInput {
  questionsEnabled?: boolean | undefined;
  membersSeeInsights?: boolean | undefined;
}

export async function changeGroupSettings(ctx: ServiceContext, username: string, ref: string, input: GroupSettingsInput): Promise<GroupView> {
  const moderator = await requireLocalUserActor(ctx, username);
  const group = await findGroup(ctx, ref, moderator.id);
  if (!group.actor.is_local) throw validationFailed("Change a remote group's settings on its own instance");
  assertCanModerate(await membershipOf(ctx, group.actor.id, moderator.id));
  const enabled = input.questionsEnabled;
  const questions = enabled !== undefined && enabled !== group.group.questions_enabled;
  const insights = input.membersSeeInsights !== undefined && input.membersSeeInsights !== group.group.members_see_insights;
  if (insights && input.membersSeeInsights) assertMembersMaySeeInsights(group.group.visibility);
  if (questions || insights) {
    await commit(ctx, async (trx) => {
      await updateGroupSettings(trx, group.actor.id, {
        ...(questions ? { questions_enabled: enabled } : {}),
        ...(insights ? { members_see_insights: input.membersSeeInsights } : {}),
      });
      await recordAudit(trx, auditActorOf(moderator), {
        action: "group.settings_changed",
        target: `@${group.actor.username}@${group.actor.domain}`,
        groupId: group.actor.id,
        details: { ...(questions ? { questionsEnabled: enabled } : {}), ...(insights ? { membersSeeInsights: input.membersSeeInsights } : {}) },
      });
      if (questions) await recordOutboxEvent(trx, { type: "actor.updated", actorId: group.actor.id });
    });
  }
  return getGroup(ctx, ref, moderator.id);
}
