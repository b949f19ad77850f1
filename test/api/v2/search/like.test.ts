import { expect } from "chai";
import { likeMatcher } from "../../../../src/api/v2/search/like.js";

/** `$like` patterns: `*` any run, `?` one character, `\` escapes; matched without regular expressions. */
describe("$like matcher", () => {
  const like = (pattern: string, value: string) => likeMatcher(pattern)(value);

  it("should match `*` against any run of characters, including none", () => {
    expect(like("DOS-*", "DOS-2026-001")).to.equal(true);
    expect(like("DOS-*", "DOS-")).to.equal(true);
    expect(like("*-001", "DOS-2026-001")).to.equal(true);
    expect(like("*2026*", "DOS-2026-001")).to.equal(true);
    expect(like("*", "")).to.equal(true);
    expect(like("**", "anything")).to.equal(true);
    expect(like("DOS-*", "dos-1")).to.equal(false);
    expect(like("*-002", "DOS-2026-001")).to.equal(false);
  });

  it("should match `?` against exactly one character, a surrogate pair being one", () => {
    expect(like("DOS-?", "DOS-1")).to.equal(true);
    expect(like("DOS-?", "DOS-")).to.equal(false);
    expect(like("DOS-?", "DOS-12")).to.equal(false);
    expect(like("r?sum?", "résumé")).to.equal(true);
    expect(like("?", "😀")).to.equal(true);
    expect(like("*?", "😀")).to.equal(true);
    expect(like("??", "😀")).to.equal(false);
  });

  it("should match the whole value, not a part of it", () => {
    expect(like("2026", "DOS-2026-001")).to.equal(false);
    expect(like("DOS", "DOS-2026")).to.equal(false);
    expect(like("", "")).to.equal(true);
    expect(like("", "x")).to.equal(false);
  });

  it("should take escaped `*`, `?` and `\\` literally, and no other character as special", () => {
    expect(like("a\\*b", "a*b")).to.equal(true);
    expect(like("a\\*b", "axxb")).to.equal(false);
    expect(like("what\\?", "what?")).to.equal(true);
    expect(like("what\\?", "whats")).to.equal(false);
    expect(like("c:\\\\temp", "c:\\temp")).to.equal(true);
    expect(like("ends with \\", "ends with \\")).to.equal(true);
    expect(like("a.c", "abc")).to.equal(false);
    expect(like("(x|y)+[z]^$", "(x|y)+[z]^$")).to.equal(true);
  });

  it("should go back to the last `*` when a later part fails", () => {
    expect(like("*ab*cd", "xxabyyabzzcd")).to.equal(true);
    expect(like("a*b*c", "abbbbbc")).to.equal(true);
    expect(like("a*b*c", "abbbbbd")).to.equal(false);
    expect(like("*aab", "aaaab")).to.equal(true);
    expect(like("*a?", "bab")).to.equal(true);
  });

  it("should answer at once for many stars against a long value that does not match (no catastrophic backtracking)", () => {
    // given the pattern that froze the server for 90 s as a regular expression
    const matches = likeMatcher("* * * * * * * * * *X");
    const value = "a ".repeat(2500);
    // when it is tried against a long value without X, and one ending with it
    const results = [matches(value), matches(`${value}X`), matches(`${value}Y`)];
    // then (a regular expression would still be running)
    expect(results).to.deep.equal([false, true, false]);
  });
});
