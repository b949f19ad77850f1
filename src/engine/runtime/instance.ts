/**
 * The working set of one process instance during a command: its row, its live element instances
 * (tokens), its variables and join tokens. Element instances are written back once, at flush:
 * elements born and finished within the command (pass-through elements) never touch the table.
 */
import type { ExecutableProcess, FlowNode } from "../model/types.js";
import type { ElementInstanceRow, JoinTokenRow, ProcessInstanceRow } from "../state.js";
import type { VariableScopes } from "../shared/variables.js";
import { isFinal } from "../lifecycle.js";

export interface RuntimeElement extends ElementInstanceRow {
  /** Changes only when the instance is migrated. */
  node: FlowNode;
  /** A row exists in element_instance. */
  persisted: boolean;
  /** Changed since loaded or last flushed. */
  dirty: boolean;
}

export class InstanceContext {
  readonly elements = new Map<number, RuntimeElement>();
  /** Elements created, changed or finished during this command. */
  readonly touched = new Set<RuntimeElement>();
  piNew = false;
  piDirty = false;

  constructor(
    readonly pi: ProcessInstanceRow,
    /** Changes only when the instance is migrated to another version. */
    public process: ExecutableProcess,
    readonly variables: VariableScopes,
    readonly joinTokens: JoinTokenRow[],
    /** The process itself as a scope element (key = process instance key); its row is `pi`. */
    readonly root: RuntimeElement,
  ) {
    this.elements.set(root.key, root);
  }

  add(element: RuntimeElement): void {
    this.elements.set(element.key, element);
    this.touched.add(element);
  }

  touch(element: RuntimeElement): void {
    element.dirty = true;
    if (element !== this.root) this.touched.add(element);
  }

  /** Keys from the element up to the process instance, innermost first. */
  scopeChain(element: RuntimeElement): number[] {
    const chain: number[] = [];
    let current: RuntimeElement | undefined = element;
    while (current) {
      chain.push(current.key);
      current = current === this.root ? undefined : this.elements.get(current.flowScopeKey);
    }
    return chain;
  }

  /** Variables visible from an element's own scope. */
  context(element: RuntimeElement): Record<string, unknown> {
    return this.variables.context(this.scopeChain(element));
  }

  /** Live children of a scope element. */
  children(scopeKey: number): RuntimeElement[] {
    const out: RuntimeElement[] = [];
    for (const element of this.elements.values()) {
      if (element.flowScopeKey === scopeKey && element !== this.root && !isFinal(element.state)) out.push(element);
    }
    return out;
  }

  element(key: number): RuntimeElement | undefined {
    return this.elements.get(key);
  }
}
