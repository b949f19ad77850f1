/**
 * Runs `tick` every `intervalMs` while the tab is visible: hidden tabs do not poll, and a tab
 * that becomes visible again refreshes at once. Ticks never overlap; `now()` during a tick runs
 * another one right after it.
 */
export function startPolling(tick: () => Promise<void>, intervalMs: number): { now(): Promise<void>; stop(): void } {
  let timer: number | undefined;
  let running: Promise<void> | null = null;
  let stopped = false;
  /** A refresh asked for while one runs (after a claim, say) must see the new state: run once more. */
  let again: Promise<void> | null = null;

  const schedule = () => {
    window.clearTimeout(timer);
    if (!stopped && !document.hidden) timer = window.setTimeout(() => void run(), intervalMs);
  };
  const run = (): Promise<void> => {
    window.clearTimeout(timer);
    if (running) return (again ??= running.then(() => ((again = null), run())));
    running = tick().catch((e) => console.warn("inbox refresh failed", e)).finally(() => {
      running = null;
      schedule();
    });
    return running;
  };
  const onVisibility = () => (document.hidden ? window.clearTimeout(timer) : void run());
  document.addEventListener("visibilitychange", onVisibility);
  schedule();
  return {
    now: run,
    stop() {
      stopped = true;
      window.clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    },
  };
}
