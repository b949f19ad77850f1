/** A few helpers to write JSON Schemas (OpenAPI 3.1) tersely. */
export type Schema = Record<string, unknown>;

export const str: Schema = { type: "string" };
export const int: Schema = { type: "integer" };
export const long: Schema = { type: "integer", format: "int64" };
export const bool: Schema = { type: "boolean" };
export const any: Schema = {};
export const key: Schema = { type: "string", pattern: "^-?[0-9]+$", description: "A 64-bit key written as a decimal string" };
export const date: Schema = { type: "string", format: "date-time" };
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const arr = (items: Schema): Schema => ({ type: "array", items });
export const map = (values: Schema): Schema => ({ type: "object", additionalProperties: values });
export const oneOf = (...values: string[]): Schema => ({ type: "string", enum: values });
export const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: "null" }] });

/** An object whose properties are all required unless listed in `optional`. */
export function obj(properties: Record<string, Schema>, optional: string[] = []): Schema {
  return { type: "object", properties, required: Object.keys(properties).filter((p) => !optional.includes(p)) };
}

/** A request object: every property optional unless listed in `required`. */
export function req(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}
