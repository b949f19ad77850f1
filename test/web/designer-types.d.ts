// The validator the modeler runs on element templates (a dependency of camunda-bpmn-js, no types).
declare module "@bpmn-io/element-templates-validator" {
  export function validateZeebe(template: unknown): { valid: boolean; errors?: unknown[] };
}
