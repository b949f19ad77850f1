import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/persistence/data-source.js";
import { hashToken, Links } from "../../src/portal/links.js";
import { DossierError } from "../../src/dossiers/errors.js";

/** Personal links (src/portal/links.ts) on a real SQLite file, with a clock the spec moves. */
describe("personal links for people outside the company", () => {
  let dir: string;
  let file: string;
  let close: () => Promise<void>;
  let links: Links;
  let now = Date.UTC(2026, 11, 8, 9, 0, 0);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "links-"));
    file = path.join(dir, "links.sqlite");
    const { dataSource, db } = await openDatabase({ path: file });
    close = () => dataSource.destroy();
    links = new Links(db, () => now);
  });
  after(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  const codeOf = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (error) {
      return error instanceof DossierError ? error.code : `thrown: ${(error as Error).message}`;
    }
    return undefined;
  };

  it("should issue a 256-bit token and store only its SHA-256", () => {
    // given a link for a party's portal task
    const issued = links.issue({ partyId: 7, purpose: "portal.task", subject: "task:42", dossierId: 3, actor: "agent" });
    // then the token is 43 base64url characters (32 random bytes) and the database file holds its hash, never the token
    expect(issued.token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(issued.token, "base64url")).to.have.length(32);
    const bytes = readFileSync(file).toString("latin1") + readFileSync(`${file}-wal`).toString("latin1");
    expect(bytes).to.not.contain(issued.token);
    expect(bytes).to.contain(hashToken(issued.token));
    // and it opens its page for its own purpose, with the party and subject it is bound to
    const link = links.open(issued.token, "portal.task");
    expect(link).to.include({ partyId: 7, subject: "task:42", dossierId: 3, createdBy: "agent" });
    expect(issued.expiresAt - now).to.equal(14 * 24 * 3600 * 1000);
  });

  it("should answer the same NOT_FOUND for an unknown token, a malformed one and one of another purpose", () => {
    // given a signer's link
    const { token } = links.issue({ partyId: 8, purpose: "signature.signer", subject: "signer:1" });
    // then it does not open a portal task page, and nothing tells it apart from a made-up token
    expect(codeOf(() => links.open(token, "portal.task"))).to.equal("NOT_FOUND");
    expect(codeOf(() => links.open(token.replace(/.$/, (c) => (c === "A" ? "B" : "A")), "signature.signer"))).to.equal("NOT_FOUND");
    expect(codeOf(() => links.open("short", "signature.signer"))).to.equal("NOT_FOUND");
    expect(codeOf(() => links.open(undefined, "signature.signer"))).to.equal("NOT_FOUND");
    expect(codeOf(() => links.open(token, ["portal.task", "signature.signer"]))).to.equal(undefined);
  });

  it("should expire, then reissue a fresh link for the same party and subject while the old one stays closed", () => {
    // given a link of one day
    const old = links.issue({ partyId: 9, purpose: "portal.task", subject: "task:77", lifetimeMs: 24 * 3600 * 1000 });
    // when two days pass
    now += 2 * 24 * 3600 * 1000;
    // then the holder learns it expired (and which link it was), and it no longer opens
    expect(links.resolve(old.token, "portal.task").state).to.equal("expired");
    expect(codeOf(() => links.open(old.token, "portal.task"))).to.equal("INVALID_STATE");
    // when a fresh one is asked for
    const fresh = links.reissue(old.id);
    // then it opens, bound as the old one was, and the old one points to it
    expect(links.open(fresh.token, "portal.task")).to.include({ partyId: 9, subject: "task:77" });
    expect(links.get(old.id)).to.include({ replacedBy: fresh.id, revokedReason: "replaced" });
    expect(links.resolve(old.token, "portal.task").state).to.equal("revoked");
  });

  it("should revoke one link or every link of a subject, and count uses", () => {
    // given two links for the same task
    const a = links.issue({ partyId: 10, purpose: "portal.task", subject: "task:90" });
    const b = links.issue({ partyId: 10, purpose: "portal.task", subject: "task:90" });
    links.touch(a.id);
    links.touch(a.id);
    expect(links.get(a.id)).to.include({ uses: 2, lastUsedAt: now });
    // when one is revoked, then the other, through the subject (the task was completed)
    expect(links.revoke(a.id, "agent", "envoyé par erreur")).to.equal(true);
    expect(links.revoke(a.id, "agent")).to.equal(false);
    expect(links.revokeSubject("portal.task", "task:90", null, "task completed")).to.equal(1);
    // then neither opens, and the subject's history keeps both, newest first
    expect(codeOf(() => links.open(a.token, "portal.task"))).to.equal("INVALID_STATE");
    expect(codeOf(() => links.open(b.token, "portal.task"))).to.equal("INVALID_STATE");
    expect(links.forSubject("portal.task", "task:90").map((l) => l.id)).to.deep.equal([b.id, a.id]);
    expect(links.get(a.id)).to.include({ revokedBy: "agent", revokedReason: "envoyé par erreur" });
  });

  it("should refuse a link without purpose, party or a sensible lifetime, saying what was expected", () => {
    expect(codeOf(() => links.issue({ partyId: 1, purpose: "", subject: "x" }))).to.equal("INVALID_ARGUMENT");
    expect(codeOf(() => links.issue({ partyId: 0, purpose: "p", subject: "x" }))).to.equal("INVALID_ARGUMENT");
    expect(codeOf(() => links.issue({ partyId: 1, purpose: "p", subject: "x", lifetimeMs: -5 }))).to.equal("INVALID_ARGUMENT");
    expect(codeOf(() => links.issue({ partyId: 1, purpose: "p", subject: "x", lifetimeMs: 400 * 24 * 3600 * 1000 }))).to.equal("INVALID_ARGUMENT");
  });
});
