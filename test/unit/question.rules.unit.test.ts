import { describe, expect, it } from "vitest";
import { acceptedAnswerIn, answerKind, assertCanAccept, parseQuestionState, questionState, withAcceptedLine } from "../../src/domain/question.rules.ts";

describe("question rules", () => {
  it("labels answers from the group's home instance official, others community", () => {
    expect(answerKind("https://acme.example/users/sam", "https://acme.example/groups/support")).toBe("official");
    expect(answerKind("https://partner.example/users/cid", "https://acme.example/groups/support")).toBe("community");
    // Same host, other port: another instance.
    expect(answerKind("http://localhost:3002/users/x", "http://localhost:3001/groups/support")).toBe("community");
  });

  it("derives the state from answers and acceptance", () => {
    expect(questionState(0, null)).toBe("unanswered");
    expect(questionState(2, null)).toBe("answered");
    expect(questionState(2, "https://a.example/posts/1")).toBe("accepted");
    expect(parseQuestionState(undefined)).toBeNull();
    expect(parseQuestionState("accepted")).toBe("accepted");
    expect(() => parseQuestionState("open")).toThrow(/state must be one of/);
  });

  it("writes one acceptance line and reads the last one back, from text or Mastodon HTML", () => {
    const once = withAcceptedLine("How do I export?\n\n#question", "https://b.example/posts/1");
    const twice = withAcceptedLine(once, "https://c.example/posts/2");
    expect(twice).toBe("How do I export?\n\n#question\n\n✅ Accepted answer: https://c.example/posts/2");
    expect(acceptedAnswerIn(twice)).toBe("https://c.example/posts/2");
    const html = '<p>How?</p><p>✅ Accepted answer: <a href="https://c.example/posts/2"><span class="invisible">https://</span>c.example/posts/…</a></p>';
    expect(acceptedAnswerIn(null, html)).toBe("https://c.example/posts/2");
    expect(acceptedAnswerIn("no acceptance here")).toBeNull();
    expect(acceptedAnswerIn("✅ Accepted answer: javascript:alert(1)")).toBeNull();
  });

  it("lets the asker accept anywhere, moderators only at the group's home, nobody else", () => {
    expect(() => assertCanAccept({ isAsker: true, isModerator: false, groupIsLocal: false, groupHost: "a" })).not.toThrow();
    expect(() => assertCanAccept({ isAsker: false, isModerator: true, groupIsLocal: true, groupHost: "a" })).not.toThrow();
    expect(() => assertCanAccept({ isAsker: false, isModerator: true, groupIsLocal: false, groupHost: "acme.example" })).toThrow(/acme.example/);
    expect(() => assertCanAccept({ isAsker: false, isModerator: false, groupIsLocal: true, groupHost: "a" })).toThrow(/Only the person who asked/);
  });
});
