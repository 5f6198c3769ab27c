// The pure rules of the channels: when a digest is due in the person's own
// time zone, what of a mailed reply is the reply, and which kind a
// notification is by email.
import { describe, expect, it } from "vitest";
import { digestDue } from "../../src/domain/digest.rules.ts";
import { failedRecipients, handlesToName, looksAutomatic, stripQuotedReply } from "../../src/domain/mail-reply.rules.ts";
import { emailKindOf, groupNoteRole } from "../../src/domain/notification-kinds.rules.ts";
import { isDueFor } from "../../src/domain/task-due.rules.ts";

describe("digestDue", () => {
  // 2026-12-07 is a Monday. 06:30 UTC is 07:30 in Paris and 01:30 in New York.
  const now = new Date("2026-12-07T06:30:00Z");
  it("waits for the person's hour in their own zone", () => {
    expect(digestDue({ frequency: "daily", timeZone: "Europe/Paris", hour: 7, lastSentAt: null }, now)).toBe(true);
    expect(digestDue({ frequency: "daily", timeZone: "America/New_York", hour: 7, lastSentAt: null }, now)).toBe(false);
  });
  it("sends once per local day, and weekly only on Mondays", () => {
    const earlierToday = new Date("2026-12-07T06:05:00Z");
    const yesterday = new Date("2026-12-06T06:05:00Z");
    expect(digestDue({ frequency: "daily", timeZone: "Europe/Paris", hour: 7, lastSentAt: earlierToday }, now)).toBe(false);
    expect(digestDue({ frequency: "daily", timeZone: "Europe/Paris", hour: 7, lastSentAt: yesterday }, now)).toBe(true);
    expect(digestDue({ frequency: "weekly", timeZone: "Europe/Paris", hour: 7, lastSentAt: null }, now)).toBe(true);
    expect(digestDue({ frequency: "weekly", timeZone: "Europe/Paris", hour: 7, lastSentAt: null }, new Date("2026-12-08T06:30:00Z"))).toBe(false);
    expect(digestDue({ frequency: "off", timeZone: "UTC", hour: 0, lastSentAt: null }, now)).toBe(false);
  });
});

describe("stripQuotedReply", () => {
  it("keeps the text above the quote and the signature", () => {
    expect(stripQuotedReply("Fine by me.\r\n\r\nOn Mon, 7 Dec 2026 at 09:00, Ada <a@x> wrote:\r\n> the plan")).toBe("Fine by me.");
    expect(stripQuotedReply("Yes.\n-- \nBob\nPurchasing")).toBe("Yes.");
    expect(stripQuotedReply("Ok\n\n-----Original Message-----\nFrom: Ada")).toBe("Ok");
    expect(stripQuotedReply("Two lines\nof reply\n\nSent from my phone")).toBe("Two lines\nof reply");
    expect(stripQuotedReply("> only quoted")).toBe("");
  });
  it("recognises automatic mail and our own", () => {
    expect(looksAutomatic({ autoSubmitted: "auto-replied", fromOurselves: false })).toBe(true);
    expect(looksAutomatic({ autoSubmitted: "no", fromOurselves: false })).toBe(false);
    expect(looksAutomatic({ precedence: "bulk", fromOurselves: false })).toBe(true);
    expect(looksAutomatic({ fromOurselves: true })).toBe(true);
  });
});

describe("emailKindOf", () => {
  it("tells a reply from a mention and keeps favourites out of mail", () => {
    expect(emailKindOf("mention", true)).toBe("reply");
    expect(emailKindOf("mention", false)).toBe("mention");
    expect(emailKindOf("join_request", false)).toBe("join_request");
    expect(emailKindOf("favourite", false)).toBeNull();
  });
});

describe("group notes", () => {
  it("tells what a group's note reports, and mails a person's own doing to nobody", () => {
    const asked = groupNoteRole({ tags: [], text: "@olga@acme.test asked @bob@globex.test to take this task: Count" });
    const assigned = groupNoteRole({ tags: [], text: "@bob@globex.test is assigned to this task: Count" });
    expect(asked).toBe("assignment_asked");
    expect(assigned).toBe("assigned");
    expect(groupNoteRole({ tags: ["ideastatus_planned"], text: "Status: Planned" })).toBe("idea_answered");
    expect(groupNoteRole({ tags: ["acceptedanswer"], text: "✅ Accepted answer: https://x/1" })).toBe("accepted_answer");
    expect(groupNoteRole({ tags: [], text: "Status: To do → Done" })).toBeNull();
    expect(emailKindOf("mention", { repliesToRecipient: false, groupNote: asked, fromGroup: true })).toBe("assignment");
    // Assigned by a person at the group's home: news; reported back by the group: their own action.
    expect(emailKindOf("mention", { repliesToRecipient: false, groupNote: assigned, fromGroup: false })).toBe("assignment");
    expect(emailKindOf("mention", { repliesToRecipient: false, groupNote: assigned, fromGroup: true })).toBeNull();
    expect(emailKindOf("mention", { repliesToRecipient: true, groupNote: "idea_answered" })).toBe("idea_answered");
    expect(emailKindOf("mention", { repliesToRecipient: true, groupNote: "accepted_answer" })).toBeNull();
    expect(emailKindOf("task_due", false)).toBe("task_due");
  });
});

describe("isDueFor", () => {
  // 23:30 UTC on 1 December is already 2 December in Tokyo.
  const now = new Date("2026-12-01T23:30:00Z");
  it("is due on the date in the person's own zone, and not long after", () => {
    expect(isDueFor("2026-12-02", "Asia/Tokyo", now)).toBe(true);
    expect(isDueFor("2026-12-02", null, now)).toBe(false);
    expect(isDueFor("2026-12-01", null, now)).toBe(true);
    expect(isDueFor("2026-11-29", null, now)).toBe(true);
    expect(isDueFor("2026-11-20", null, now)).toBe(false);
    expect(isDueFor("2026-12-01", "Not/AZone", now)).toBe(true);
  });
});

describe("handlesToName", () => {
  const parent = { visibility: "direct", authorHandle: "@ada@acme.test", mentionedHandles: ["@bob@globex.test", "@cy@initech.test"] };
  it("names the author and the others named in a private or direct post, not the replier or who is named already", () => {
    expect(handlesToName(parent, "@bob@globex.test", [])).toEqual(["@ada@acme.test", "@cy@initech.test"]);
    expect(handlesToName(parent, "@bob@globex.test", ["@CY@initech.test"])).toEqual(["@ada@acme.test"]);
    expect(handlesToName({ ...parent, visibility: "private" }, "@bob@globex.test", [])).toHaveLength(2);
    expect(handlesToName({ ...parent, visibility: "public" }, "@bob@globex.test", [])).toEqual([]);
  });
});

describe("failedRecipients", () => {
  it("reads the recipients a DSN says failed for good, not delayed ones", () => {
    const report =
      "Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; Bob@Globex.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\nFinal-Recipient: rfc822; cy@globex.test\r\nAction: delayed\r\n";
    expect(failedRecipients(report)).toEqual(["bob@globex.test"]);
    expect(failedRecipients("Original-Recipient: rfc822;dan@x.test\nAction: FAILED")).toEqual(["dan@x.test"]);
    expect(failedRecipients("hello")).toEqual([]);
  });
});
