/**
 * What the dossier module needs of the address book (implemented by parties/book.ts): create a
 * party on the fly inside a dossier's transaction, read summaries, and rewrite references when two
 * parties are merged.
 */
export interface PartySummary {
  id: number;
  kind: string;
  name: string;
  email?: string | null;
  phone?: string | null;
  city?: string | null;
  [more: string]: unknown;
}

export interface PartyDirectory {
  create(input: any, actor: string | null): { id: number };
  get(id: number): object | undefined;
  getMany(ids: number[]): Map<number, any>;
  summary(row: any): PartySummary;
  search(q: string, limit: number): PartySummary[];
  onMerge(fn: (fromId: number, intoId: number) => void): void;
}
