/**
 * Merkle tree over journal entry hashes (RFC 6962 style: leaf = SHA-256(0x00 ‖ entry hash),
 * node = SHA-256(0x01 ‖ left ‖ right); an odd node at the end of a level goes up unchanged). A
 * proof lists the siblings from the leaf up, each with its side, so that one entry can be shown
 * to belong to a sealed period without the others.
 */
import { createHash } from "node:crypto";

export interface ProofStep {
  side: "left" | "right";
  hash: string;
}

const leaf = (hex: string) => createHash("sha256").update(Buffer.from([0])).update(Buffer.from(hex, "hex")).digest();
const node = (l: Buffer, r: Buffer) => createHash("sha256").update(Buffer.from([1])).update(l).update(r).digest();

function levels(hashes: string[]): Buffer[][] {
  if (hashes.length === 0) throw new RangeError("Expected at least one entry to seal, but found none");
  const out: Buffer[][] = [hashes.map(leaf)];
  while (out[out.length - 1]!.length > 1) {
    const prev = out[out.length - 1]!;
    const next: Buffer[] = [];
    for (let i = 0; i < prev.length; i += 2) next.push(i + 1 < prev.length ? node(prev[i]!, prev[i + 1]!) : prev[i]!);
    out.push(next);
  }
  return out;
}

export function merkleRoot(hashes: string[]): string {
  const l = levels(hashes);
  return l[l.length - 1]![0]!.toString("hex");
}

export function merkleProof(hashes: string[], index: number): ProofStep[] {
  const l = levels(hashes);
  const proof: ProofStep[] = [];
  let i = index;
  for (let level = 0; level < l.length - 1; level++) {
    const row = l[level]!;
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < row.length) proof.push({ side: i % 2 === 0 ? "right" : "left", hash: row[sibling]!.toString("hex") });
    i = Math.floor(i / 2);
  }
  return proof;
}

export function verifyProof(entryHash: string, proof: ProofStep[], root: string): boolean {
  let h = leaf(entryHash);
  for (const step of proof) h = step.side === "right" ? node(h, Buffer.from(step.hash, "hex")) : node(Buffer.from(step.hash, "hex"), h);
  return h.toString("hex") === root;
}
