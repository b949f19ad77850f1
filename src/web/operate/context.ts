/** What the panels of the instance page share: the data of the last refresh and what they may do. */
import { showError } from "../shared/shell.js";
import type { ElementInstance, Incident, Instance, InstanceHistory, Variable } from "./data.js";
import type { Diagram } from "./diagram.js";
import { notify } from "./views.js";

export interface InstanceData {
  instance: Instance;
  history: InstanceHistory;
  elements: ElementInstance[];
  incidents: Incident[];
  variables: Variable[];
}

export interface InstanceContext {
  key: string;
  data: InstanceData;
  diagram: Diagram;
  /** instances.operate: retry, cancel, modify. */
  canOperate: boolean;
  /** instances.work: set variables. */
  canWork: boolean;
  /** Reloads everything now (after an action). */
  refresh(): Promise<void>;
  /** Selects a flow node on the diagram and in the modification panel. */
  select(elementId: string | undefined): void;
  selected(): string | undefined;
}

/**
 * Runs an action from a button: the button is disabled meanwhile, a failure shows the API's
 * message, a success a short notice; the page is refreshed either way.
 */
export async function act(ctx: InstanceContext, button: HTMLButtonElement | undefined, action: () => Promise<unknown>, done: string): Promise<boolean> {
  if (button) button.disabled = true;
  try {
    await action();
    notify(done);
    return true;
  } catch (error) {
    showError(error);
    return false;
  } finally {
    if (button) button.disabled = false;
    await ctx.refresh();
  }
}
