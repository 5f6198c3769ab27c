// The notes a task's home writes are read back by the same table: what the
// notifications page says and which kind a mention becomes (mail, push) follow
// the text as written, so a change of wording cannot leave a reader behind.
import { describe, expect, it } from "vitest";
import { assignedText, assignmentAskedText, companionNoteText, readTaskNote, statusChangeText } from "../../src/domain/task-note.ts";
import { groupNoteRole } from "../../src/domain/notification-kinds.rules.ts";
import { notificationText } from "../../src/web/pages/notifications.page.ts";

// A mention whose post is written by the group actor itself.
const noteOf = (sourceText: string) => ({ type: "mention", post: { sourceText, tags: [], author: { type: "Group" }, inReplyToUri: "https://x.example/p/1" } });

describe("task notes, written and read by one table", () => {
  it("reads back each note a task's home writes", () => {
    expect(readTaskNote(statusChangeText({ byHandle: "@gina@globex.example", fromLabel: "Open", toLabel: "Done" }))).toEqual({
      kind: "moved",
      detail: "Open → Done",
    });
    expect(readTaskNote(assignmentAskedText("@paul@acme.example", "@gina@globex.example", "Print badges"))).toEqual({
      kind: "assignment_asked",
      detail: "Print badges",
    });
    expect(readTaskNote(assignedText("@paul@acme.example", "Book the venue"))).toEqual({ kind: "assigned", detail: "Book the venue" });
  });

  it("reads nothing from other text, the task's own note included", () => {
    const note = companionNoteText({
      title: "T",
      statusLabel: "Open",
      closed: false,
      priority: "normal",
      due: null,
      labels: [],
      assignees: [],
      url: "https://a.example/tasks/1",
    });
    expect(readTaskNote(note)).toBeNull();
    expect(readTaskNote("Who has the forklift key?")).toBeNull();
  });

  it("gives the same answer to the notification kind and to the page's words", () => {
    const asked = assignmentAskedText("@paul@acme.example", "@gina@globex.example", "Print badges");
    expect(groupNoteRole({ tags: [], text: asked })).toBe("assignment_asked");
    expect(groupNoteRole({ tags: [], text: assignedText("@gina", "Print badges") })).toBe("assigned");
    expect(groupNoteRole({ tags: [], text: statusChangeText({ byHandle: "@gina", fromLabel: "Open", toLabel: "Done" }) })).toBeNull();
    expect(notificationText(noteOf(asked) as never)).toBe("gave you a task: Print badges");
    expect(notificationText(noteOf(statusChangeText({ byHandle: "@gina", fromLabel: "Open", toLabel: "Done" })) as never)).toBe("moved a task: Open → Done");
  });
});
