/**
 * Keys are 64-bit integers in Camunda 8, written as decimal strings on the wire. Zeebe puts the
 * partition id in the top bits: partition 1 starts at 2^51. We keep that shape (clients that decode
 * partitions keep working) and stay below 2^53 so a key is an exact JavaScript number.
 */
export interface IdGenerator {
  next(): number;
  /** The next key that would be handed out; persisted with each commit. */
  peek(): number;
  /** Never hand out a key lower than `key` (used at start-up from the persisted sequence). */
  advanceTo(key: number): void;
}

export const FIRST_KEY = 2 ** 51 + 1;

export class SequentialIds implements IdGenerator {
  constructor(private nextKey: number = FIRST_KEY) {}
  next(): number {
    return this.nextKey++;
  }
  peek(): number {
    return this.nextKey;
  }
  advanceTo(key: number): void {
    if (key > this.nextKey) this.nextKey = key;
  }
}
