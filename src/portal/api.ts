/**
 * What other modules ask of the portal: a section of the customer's portal (the signature's
 * contracts to sign and signed, the receivables' invoices), and the portal session of a request
 * (for their own portal endpoints: contest an invoice, plan a payment). A portal identity is a
 * party of the address book, never a back-office user.
 */
import type { RequestHandler, Response } from "express";

export interface PortalItem {
  id: string;
  title: string;
  subtitle?: string;
  /** ms since the epoch (shown in the person's locale). */
  date?: number;
  /** A short status the page shows as a badge ("À signer", "Payée"…), already in the person's language. */
  status?: string;
  /** Where the item opens: a portal path or a signature page (same origin only). */
  href?: string;
  dossierReference?: string;
}

export interface PortalSection {
  /** Stable id (e.g. "signatures", "invoices"). */
  id: string;
  title: { fr: string; en: string };
  /** The party's items, restricted to `dossierIds` (the dossiers where the party is a party). */
  items(partyId: number, dossierIds: number[], locale: "fr" | "en"): PortalItem[] | Promise<PortalItem[]>;
}

export interface PortalVisitor {
  accountId: number;
  partyId: number;
  locale: "fr" | "en";
  /** The dossiers the person may see (where they hold a role). */
  dossierIds: number[];
}

export interface PortalApi {
  /** Adds a section to the portal's home page and dossier pages. */
  registerSection(section: PortalSection): void;
  /**
   * Middleware for a module's own portal endpoints: 401 without a portal session, the CSRF check
   * on state changes; it puts the visitor in `res.locals` (read it with `visitorOf`).
   */
  requireVisitor(): RequestHandler;
  visitorOf(res: Response): PortalVisitor;
}
