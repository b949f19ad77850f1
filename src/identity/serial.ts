/**
 * One task at a time per key: a task starts when the previous one for the same key has settled.
 * Password checks use it so that a failure is counted before the next guess is looked at; checked
 * in parallel, hundreds of guesses would all pass the lock check before the first one failed.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(() => undefined, () => undefined);
    this.tails.set(key, tail);
    // The last one out removes the key, so the map only holds keys with work in progress.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or waiting (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
