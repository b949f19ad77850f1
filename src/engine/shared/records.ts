/** Builders for the history records written by the interpreter, so their shapes stay in one place. */
import type { ElementInstanceRow, HistoryRecord } from "../state.js";

export function elementRecord(ei: ElementInstanceRow, extra: Record<string, unknown> = {}): HistoryRecord {
  return {
    type: `ELEMENT_${ei.state}`,
    key: ei.key,
    elementId: ei.elementId,
    elementType: ei.elementType,
    flowScopeKey: ei.flowScopeKey,
    ...extra,
  };
}
