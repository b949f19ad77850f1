/**
 * `$like` patterns of Camunda searches: `*` any run of characters (also none), `?` exactly one
 * character, `\` makes the next character literal. Never a regular expression: the backtracking of
 * `^.* .* … .*X$` grows exponentially with the stars, and one search froze the server for 90 s.
 *
 * The pattern is cut at its stars into segments. The first segment must match at the start, the
 * last one at the end, and each one between is taken at its leftmost place after the previous one
 * (leftmost is always right: a later place only leaves less text for what follows). Segments of
 * literal characters are found with `String.prototype.indexOf` (native, no backtracking); only
 * segments holding `?` are tried position by position. A value is matched on a bounded prefix
 * (SEARCH_LIKE_VALUE_PREFIX, see filters.ts), and patterns are bounded too (SEARCH_LIKE_MAX_PATTERN):
 * a 3.5 MB value and a 256-character pattern once blocked the server for 10 s.
 */

/** Default longest pattern (400 beyond): long patterns only serve to make the matching expensive. */
export const MAX_LIKE_LENGTH = 256;

const ONE = 1;
/** A segment token: `?`, or a run of literal characters. */
type Token = typeof ONE | string;
type Segment = Token[];

/** The segments between the stars (the first and the last one are anchored at the ends of the value). */
function compile(pattern: string): Segment[] {
  const chars = Array.from(pattern);
  const segments: Segment[] = [[]];
  const push = (token: Token) => {
    const seg = segments[segments.length - 1]!;
    const last = seg[seg.length - 1];
    if (typeof token === "string" && typeof last === "string") seg[seg.length - 1] = last + token;
    else seg.push(token);
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === "\\" && i + 1 < chars.length) push(chars[++i]!);
    else if (c === "*") segments.push([]);
    else if (c === "?") push(ONE);
    else push(c);
  }
  return segments;
}

/** The index after the code point at `i` (a surrogate pair is one character). */
function next(text: string, i: number): number {
  const unit = text.charCodeAt(i);
  return unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length ? i + 2 : i + 1;
}

/** Where the segment ends when it matches at `at`, or -1. */
function matchAt(text: string, seg: Segment, at: number): number {
  let t = at;
  for (const token of seg) {
    if (token === ONE) {
      if (t >= text.length) return -1;
      t = next(text, t);
    } else if (text.startsWith(token, t)) t += token.length;
    else return -1;
  }
  return t;
}

/** Leftmost match of the segment at or after `from`: [start, end], or undefined. */
function find(text: string, seg: Segment, from: number): [number, number] | undefined {
  if (seg.length === 1 && typeof seg[0] === "string") {
    const at = text.indexOf(seg[0], from);
    return at < 0 ? undefined : [at, at + seg[0].length];
  }
  // Start at a literal run when there is one: only its occurrences are candidates.
  const firstLiteral = seg.findIndex((t) => typeof t === "string");
  for (let at = from; at <= text.length; at = next(text, at)) {
    if (firstLiteral === 0) {
      const found = text.indexOf(seg[0] as string, at);
      if (found < 0) return undefined;
      at = found;
    }
    const end = matchAt(text, seg, at);
    if (end >= 0) return [at, end];
    if (at >= text.length) break;
  }
  return undefined;
}

/** A predicate telling whether a whole value matches the pattern. */
export function likeMatcher(pattern: string): (value: string) => boolean {
  const segments = compile(pattern);
  const first = segments[0]!;
  if (segments.length === 1) return (text) => matchAt(text, first, 0) === text.length;
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1).filter((s) => s.length > 0);
  const lastIsLiteral = last.every((t) => typeof t === "string");
  const lastLiteral = lastIsLiteral ? (last as string[]).join("") : "";
  return (text) => {
    let t = matchAt(text, first, 0);
    if (t < 0) return false;
    for (const seg of middle) {
      const found = find(text, seg, t);
      if (!found) return false;
      t = found[1];
    }
    if (lastIsLiteral) return text.length - lastLiteral.length >= t && text.endsWith(lastLiteral);
    // The last segment must end exactly at the end of the value; with `?` (one code point, one or two
    // UTF-16 units) its start is not known from the length, so each start from `t` is tried.
    for (let at = t; at <= text.length; at = next(text, at)) {
      if (matchAt(text, last, at) === text.length) return true;
      if (at >= text.length) break;
    }
    return false;
  };
}
