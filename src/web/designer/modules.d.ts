// Packages of the designer that ship no TypeScript types.
declare module "@camunda/linting" {
  export class Linter {
    constructor(options?: { modeler?: "desktop" | "web"; type?: "cloud" | "platform"; plugins?: unknown[] });
    lint(contents: string | unknown): Promise<unknown[]>;
  }
}
declare module "@camunda/linting/modeler" {
  const lintingModule: unknown;
  export default lintingModule;
}
declare module "modeler-moddle/resources/modeler.json" {
  const descriptor: Record<string, unknown>;
  export default descriptor;
}
declare module "bpmn-js-i18n/translations/fr.js" {
  const translations: Record<string, string>;
  export default translations;
}
