/**
 * Personal links for people outside the company: a private page of a portal task, a sign-in link,
 * a signer's page. Built once and shared by the portal and the signature modules.
 *
 * A token is 256 random bits (base64url, 43 characters); only its SHA-256 is stored, so a copy of
 * the database gives no working link. A link is bound to one party, one purpose ("portal.task",
 * "signature.signer", "portal.signin" …) and one subject within it (a task, a signer): a token of
 * one purpose never opens another's page, and the answer for an unknown token and for one of
 * another purpose is the same. Expired and revoked links are told apart from unknown ones only to
 * their holder (who has the token), so that the page can offer a fresh link, sent to the address
 * the party already has, never to one typed by the visitor.
 *
 * Writes are synchronous statements meant to run inside Engine.transaction (the link and the mail
 * that carries it commit together).
 */
import { createHash, randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import { DossierError } from "../dossiers/errors.js";
import { statement } from "../persistence/statements.js";

export const DEFAULT_LINK_LIFETIME_MS = 14 * 24 * 3600 * 1000;
/** Longest a link may live (a signature request of several months is rare; a year is the bound). */
export const MAX_LINK_LIFETIME_MS = 366 * 24 * 3600 * 1000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface IssueLink {
  partyId: number;
  purpose: string;
  subject: string;
  dossierId?: number | null;
  /** Lifetime from now, ms (default 14 days), or an absolute expiry. */
  lifetimeMs?: number;
  expiresAt?: number;
  actor?: string | null;
}

export interface IssuedLink {
  id: number;
  /** The secret to put in the URL; never stored, never logged. */
  token: string;
  expiresAt: number;
}

export interface LinkRow {
  id: number;
  partyId: number;
  purpose: string;
  subject: string;
  dossierId: number | null;
  createdAt: number;
  createdBy: string | null;
  expiresAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
  revokedReason: string | null;
  lastUsedAt: number | null;
  uses: number;
  replacedBy: number | null;
}

export type LinkState = "active" | "expired" | "revoked";

/** What a holder of a token learns: the link, and whether it still opens its page. */
export interface ResolvedLink {
  link: LinkRow;
  state: LinkState;
}

interface Raw {
  id: number; party_id: number; purpose: string; subject: string; dossier_id: number | null; created_at: number; created_by: string | null;
  expires_at: number; revoked_at: number | null; revoked_by: string | null; revoked_reason: string | null; last_used_at: number | null; uses: number; replaced_by: number | null;
}

const COLUMNS = `id, party_id, purpose, subject, dossier_id, created_at, created_by, expires_at, revoked_at, revoked_by, revoked_reason, last_used_at, uses, replaced_by`;

function toRow(r: Raw): LinkRow {
  return {
    id: r.id, partyId: r.party_id, purpose: r.purpose, subject: r.subject, dossierId: r.dossier_id, createdAt: r.created_at, createdBy: r.created_by,
    expiresAt: r.expires_at, revokedAt: r.revoked_at, revokedBy: r.revoked_by, revokedReason: r.revoked_reason, lastUsedAt: r.last_used_at, uses: r.uses, replacedBy: r.replaced_by,
  };
}

/** SHA-256 (hex) of a token: the only form in which a token is kept. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export class Links {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  /** Issues a new link (inside the caller's transaction). */
  issue(request: IssueLink): IssuedLink {
    const now = this.now();
    for (const [name, value] of [["purpose", request.purpose], ["subject", request.subject]] as const) {
      if (typeof value !== "string" || value === "" || value.length > (name === "purpose" ? 64 : 128)) {
        throw new DossierError("INVALID_ARGUMENT", `Expected the link's ${name} to be a non-empty text of at most ${name === "purpose" ? 64 : 128} characters, but found ${JSON.stringify(value)}`);
      }
    }
    if (!Number.isInteger(request.partyId) || request.partyId <= 0) throw new DossierError("INVALID_ARGUMENT", `Expected the link's party to be a party id, but found ${JSON.stringify(request.partyId)}`);
    const expiresAt = request.expiresAt ?? now + (request.lifetimeMs ?? DEFAULT_LINK_LIFETIME_MS);
    if (!Number.isFinite(expiresAt) || expiresAt <= now || expiresAt - now > MAX_LINK_LIFETIME_MS) {
      throw new DossierError("INVALID_ARGUMENT", `Expected a link lifetime from 1 ms to ${MAX_LINK_LIFETIME_MS / 86_400_000} days, but found an expiry ${Math.round((expiresAt - now) / 1000)} s from now`);
    }
    const token = randomBytes(32).toString("base64url");
    const info = statement(
      this.db,
      `INSERT INTO access_link (token_hash, party_id, purpose, subject, dossier_id, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(hashToken(token), request.partyId, request.purpose, request.subject, request.dossierId ?? null, now, request.actor ?? null, expiresAt);
    return { id: Number(info.lastInsertRowid), token, expiresAt };
  }

  /**
   * The link a token opens for a purpose. Unknown tokens, malformed ones and tokens of another
   * purpose all throw the same NOT_FOUND (nothing to learn by trying); expired and revoked links
   * come back with their state, for the page to say so and offer a fresh link.
   */
  resolve(token: unknown, purpose: string | readonly string[]): ResolvedLink {
    const purposes = typeof purpose === "string" ? [purpose] : purpose;
    const notFound = new DossierError("NOT_FOUND", "This link is not valid: check that it was copied whole, or ask for a new one");
    if (typeof token !== "string" || !TOKEN.test(token)) throw notFound;
    const raw = statement(this.db, `SELECT ${COLUMNS} FROM access_link WHERE token_hash = ?`).get(hashToken(token)) as Raw | undefined;
    if (!raw || !purposes.includes(raw.purpose)) throw notFound;
    const link = toRow(raw);
    return { link, state: this.stateOf(link) };
  }

  /** Like resolve, but only an active link passes: expired and revoked ones throw INVALID_STATE (410 on the pages). */
  open(token: unknown, purpose: string | readonly string[]): LinkRow {
    const { link, state } = this.resolve(token, purpose);
    if (state !== "active") {
      throw new DossierError("INVALID_STATE", state === "expired" ? "This link has expired: a new one can be sent to the address we have for you" : "This link was withdrawn by the sender", [], { linkState: state, linkId: link.id });
    }
    return link;
  }

  /** Records a use (inside the caller's transaction): last use and count, for the 360° view. */
  touch(id: number): void {
    statement(this.db, `UPDATE access_link SET uses = uses + 1, last_used_at = ? WHERE id = ?`).run(this.now(), id);
  }

  get(id: number): LinkRow | undefined {
    const raw = statement(this.db, `SELECT ${COLUMNS} FROM access_link WHERE id = ?`).get(id) as Raw | undefined;
    return raw ? toRow(raw) : undefined;
  }

  stateOf(link: LinkRow): LinkState {
    if (link.revokedAt !== null) return "revoked";
    return link.expiresAt <= this.now() ? "expired" : "active";
  }

  /** Withdraws a link; revoking a revoked link changes nothing (returns false). */
  revoke(id: number, actor: string | null, reason?: string): boolean {
    const info = statement(this.db, `UPDATE access_link SET revoked_at = ?, revoked_by = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL`).run(this.now(), actor, reason?.slice(0, 512) ?? null, id);
    return info.changes > 0;
  }

  /** Withdraws every active link of a subject (the task was completed, the request canceled). */
  revokeSubject(purpose: string, subject: string, actor: string | null, reason?: string): number {
    return statement(this.db, `UPDATE access_link SET revoked_at = ?, revoked_by = ?, revoked_reason = ? WHERE purpose = ? AND subject = ? AND revoked_at IS NULL`)
      .run(this.now(), actor, reason?.slice(0, 512) ?? null, purpose, subject).changes;
  }

  /**
   * A fresh link for the same party, purpose and subject as an old one (an expired link whose
   * holder asks again); the old one is revoked and points to its replacement.
   */
  reissue(oldId: number, lifetimeMs: number = DEFAULT_LINK_LIFETIME_MS, actor: string | null = null): IssuedLink {
    const old = this.get(oldId);
    if (!old) throw new DossierError("NOT_FOUND", `No link ${oldId}`);
    const fresh = this.issue({ partyId: old.partyId, purpose: old.purpose, subject: old.subject, dossierId: old.dossierId, lifetimeMs, actor });
    statement(this.db, `UPDATE access_link SET revoked_at = COALESCE(revoked_at, ?), revoked_by = COALESCE(revoked_by, ?), revoked_reason = COALESCE(revoked_reason, 'replaced'), replaced_by = ? WHERE id = ?`)
      .run(this.now(), actor, fresh.id, old.id);
    return fresh;
  }

  /** The links of a subject, newest first (a task's page links, a signer's links). */
  forSubject(purpose: string, subject: string): LinkRow[] {
    return (statement(this.db, `SELECT ${COLUMNS} FROM access_link WHERE purpose = ? AND subject = ? ORDER BY id DESC`).all(purpose, subject) as Raw[]).map(toRow);
  }

  /** The links given out for a dossier, newest first (the 360° view lists and revokes them). */
  forDossier(dossierId: number): LinkRow[] {
    return (statement(this.db, `SELECT ${COLUMNS} FROM access_link WHERE dossier_id = ? ORDER BY id DESC`).all(dossierId) as Raw[]).map(toRow);
  }
}
