/**
 * Keeps a view fresh without a reload: calls `tick` every `everyMs` while the tab is visible (never
 * two at once), and at once when the tab becomes visible again. `stop()` ends it.
 */
export function poll(tick: () => Promise<void>, everyMs: number): { stop: () => void; now: () => Promise<void> } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) return running;
    clearTimeout(timer);
    running = tick()
      .catch((error: unknown) => console.warn("operate: refresh failed", error))
      .finally(() => {
        running = undefined;
        schedule();
      });
    return running;
  };
  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && document.visibilityState === "visible") timer = setTimeout(() => void run(), everyMs);
  };
  const onVisibility = () => {
    if (document.visibilityState === "visible") void run();
    else clearTimeout(timer);
  };
  document.addEventListener("visibilitychange", onVisibility);
  schedule();
  return {
    now: run,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    },
  };
}
