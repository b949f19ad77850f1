/**
 * `$like` patterns of Camunda searches: `*` any run of characters (also none), `?` exactly one
 * character, `\` makes the next character literal. Matched by two pointers that go back only to the
 * last `*` seen: O(n·m) at worst for a value of n and a pattern of m characters, constant memory.
 * Never a regular expression: the backtracking of `^.* .* … .*X$` grows exponentially with the
 * stars, and one search froze the server for 90 s.
 */

/** Longer patterns are refused (400): they only serve to make the matching expensive. */
export const MAX_LIKE_LENGTH = 256;

const STAR = 0;
const ONE = 1;
/** A pattern token: `*`, `?`, or a literal character (a whole code point, 1 or 2 UTF-16 units). */
type Token = typeof STAR | typeof ONE | string;

function tokens(pattern: string): Token[] {
  const out: Token[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === "\\" && i + 1 < chars.length) out.push(chars[++i]!);
    else if (c === "*") {
      if (out[out.length - 1] !== STAR) out.push(STAR); // "**" is "*"
    } else if (c === "?") out.push(ONE);
    else out.push(c);
  }
  return out;
}

/** The index after the code point at `i` (a surrogate pair is one character). */
function next(text: string, i: number): number {
  const unit = text.charCodeAt(i);
  return unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length ? i + 2 : i + 1;
}

/** A predicate telling whether a whole value matches the pattern. */
export function likeMatcher(pattern: string): (value: string) => boolean {
  const p = tokens(pattern);
  return (text) => {
    let t = 0;
    let k = 0;
    let star = -1; // token index of the last `*`
    let resume = 0; // where in the text that `*` will take one more character from
    while (t < text.length) {
      const token = p[k];
      if (token === ONE) {
        t = next(text, t);
        k++;
      } else if (typeof token === "string" && text.startsWith(token, t)) {
        t += token.length;
        k++;
      } else if (token === STAR) {
        star = k++;
        resume = t;
      } else if (star >= 0) {
        // the last `*` swallows one more character; everything after it is tried again from there
        resume = next(text, resume);
        t = resume;
        k = star + 1;
      } else return false;
    }
    while (p[k] === STAR) k++;
    return k === p.length;
  };
}
