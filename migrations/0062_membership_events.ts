// Membership changes of our own groups as outbox events, for webhooks
// (member.joined / member.left). A membership is an accepted follow of a
// group, and it starts or ends through several doors (a local join, an
// approved request, a Follow or Undo from another instance, a ban, a leave);
// a trigger on `follows` sees all of them in the transaction that makes the
// change. See docs/adr/0060-membership-events-from-a-trigger.md.
//
// The rows are born processed: the federation outbox has nothing to send for
// them; only the webhook fan-out (webhooks_at) reads them.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function ecotone_membership_event() returns trigger language plpgsql as $$
    declare
      kind text;
      grp text;
      member text;
    begin
      if tg_op = 'DELETE' then
        if old.state <> 'accepted' then return null; end if;
        kind := 'group.member_left'; grp := old.followee_id; member := old.follower_id;
      elsif new.state = 'accepted' and (tg_op = 'INSERT' or old.state <> 'accepted') then
        kind := 'group.member_joined'; grp := new.followee_id; member := new.follower_id;
      else
        return null;
      end if;
      if exists (select 1 from groups g join actors a on a.id = g.actor_id where g.actor_id = grp and a.is_local) then
        insert into outbox_events (type, payload, processed_at)
        values (kind, jsonb_build_object('type', kind, 'groupId', grp, 'memberId', member), now());
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger follows_membership_events
    after insert or update of state or delete on follows
    for each row execute function ecotone_membership_event()`.execute(db);
}
