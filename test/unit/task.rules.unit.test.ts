// The task rules on their own: what a task may hold, who may change it, and
// how a change made against an old version is refused.
import { describe, expect, it } from "vitest";
import type { Membership } from "../../src/domain/group.rules.ts";
import {
  assertCanChangeStatus,
  assertCanDeleteTask,
  assertCanEditTask,
  assertFreshVersion,
  checkDueDate,
  checkStatuses,
  describeChanges,
  isOverdue,
} from "../../src/domain/task.rules.ts";
import { companionNoteText } from "../../src/domain/task-note.ts";

const member: Membership = { state: "accepted", role: "member" };
const moderator: Membership = { state: "accepted", role: "moderator" };
const pending: Membership = { state: "pending", role: "member" };

describe("task rules", () => {
  it("reads due dates as calendar days and refuses impossible ones", () => {
    expect(checkDueDate("2026-12-31")).toBe("2026-12-31");
    expect(checkDueDate("2026-12-31T18:00:00Z")).toBe("2026-12-31");
    expect(checkDueDate("")).toBeNull();
    expect(() => checkDueDate("2026-02-29")).toThrow(/not a date/);
    expect(() => checkDueDate("tomorrow")).toThrow(/not a date/);
  });

  it("flags a task overdue only while it is open and its day has passed", () => {
    expect(isOverdue("2026-11-22", false, "2026-11-23")).toBe(true);
    expect(isOverdue("2026-11-23", false, "2026-11-23")).toBe(false);
    expect(isOverdue("2026-11-22", true, "2026-11-23")).toBe(false);
    expect(isOverdue(null, false, "2026-11-23")).toBe(false);
  });

  it("lets authors, assignees and moderators edit; assignees and moderators move; moderators delete", () => {
    expect(() => assertCanEditTask({ membership: member, isAuthor: true, isAssignee: false })).not.toThrow();
    expect(() => assertCanEditTask({ membership: member, isAuthor: false, isAssignee: false })).toThrow(/author/);
    expect(() => assertCanEditTask({ membership: pending, isAuthor: true, isAssignee: false })).toThrow(/members/);
    expect(() => assertCanChangeStatus({ membership: member, isAuthor: true, isAssignee: false })).toThrow(/assignees/);
    expect(() => assertCanChangeStatus({ membership: member, isAuthor: false, isAssignee: true })).not.toThrow();
    expect(() => assertCanChangeStatus({ membership: moderator, isAuthor: false, isAssignee: false })).not.toThrow();
    expect(() => assertCanDeleteTask(member)).toThrow(/moderators/);
    expect(() => assertCanDeleteTask(moderator)).not.toThrow();
  });

  it("refuses a change made against an older version, saying which one is current", () => {
    expect(() => assertFreshVersion(3, 3)).not.toThrow();
    expect(() => assertFreshVersion(4, 3)).toThrow(/now 4/);
    expect(() => assertFreshVersion(4, undefined)).toThrow(/version/);
  });

  it("checks a board's statuses: unique keys, at least one open", () => {
    expect(
      checkStatuses([
        { key: "todo", label: "To do" },
        { key: "shipped", closed: true },
      ]),
    ).toEqual([
      { key: "todo", label: "To do", closed: false },
      { key: "shipped", label: "shipped", closed: true },
    ]);
    expect(() => checkStatuses([{ key: "done", closed: true }])).toThrow(/open status/);
    expect(() => checkStatuses([{ key: "a" }, { key: "a" }])).toThrow(/unique/);
    expect(() => checkStatuses([{ key: "Bad Key" }])).toThrow(/lower-case/);
  });

  it("records one history line per changed field", () => {
    const before = { title: "A", description: "x", priority: "normal", due: null, labels: [], dependsOn: [] };
    const lines = describeChanges(before, { ...before, title: "B", due: "2026-12-01" }, "https://a.example/users/x", "2026-11-23T00:00:00.000Z");
    expect(lines.map((l) => [l.field, l.from, l.to])).toEqual([
      ["title", "A", "B"],
      ["due", null, "2026-12-01"],
    ]);
  });

  it("writes a companion note with a checkbox that is ticked once resolved", () => {
    const facts = {
      title: "Ship it",
      statusLabel: "Open",
      closed: false,
      priority: "high",
      due: "2026-12-01",
      labels: [],
      assignees: [{ handle: "@bob@globex.example", pending: true }],
      url: "https://acme.example/tasks/1",
    };
    expect(companionNoteText(facts)).toMatch(/^☐ Task: Ship it\nStatus: Open · Priority: high · Due 2026-12-01\nWaiting for @bob@globex.example to accept/);
    expect(companionNoteText({ ...facts, closed: true, statusLabel: "Done" })).toMatch(/^☑ Task: Ship it/);
  });
});
