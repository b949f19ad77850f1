declare module "bpmn-moddle" {
  export interface FromXMLResult<T = any> {
    rootElement: T;
    references: unknown[];
    warnings: Array<{ message: string; element?: unknown; error?: Error }>;
    elementsById: Record<string, any>;
  }
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML<T = any>(xml: string, typeName?: string, options?: object): Promise<FromXMLResult<T>>;
    toXML(element: unknown, options?: { format?: boolean; preamble?: boolean }): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): any;
  }
}
