/**
 * Variable names are chosen by users. `object[name] = value` on a plain object silently drops a
 * variable named `__proto__` (it sets the prototype instead), and `name in object` finds
 * `toString` on every object. Everything that copies variables into objects goes through here.
 */

/** Sets `name` as an own enumerable property, `__proto__` included. */
export function setOwn(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === "__proto__") Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}
