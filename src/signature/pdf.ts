/**
 * PDF work of the signature: the signature page appended to a signed document, the evidence file,
 * the PAdES seal (PKCS#7 detached, subFilter ETSI.CAdES.detached, through @signpdf with the
 * organisation's PKCS#12) and its check.
 *
 * The check is done in-process with node-forge and node:crypto (no poppler needed on a server):
 * the last signature dictionary's /ByteRange must cover the whole file but its /Contents, the
 * CMS `messageDigest` attribute must equal the SHA-256 of those bytes, and the RSA signature over
 * the signed attributes must verify with the certificate embedded in the CMS. Trust in that
 * certificate is a separate question (the hash registry says whether THIS installation sealed it).
 */
import { constants, createHash, privateEncrypt, verify as cryptoVerify, X509Certificate } from "node:crypto";
import { SignPdf } from "@signpdf/signpdf";
import { pdflibAddPlaceholder } from "@signpdf/placeholder-pdf-lib";
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from "@signpdf/utils";
import forge from "node-forge";
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import type { OrganisationCertificate } from "./certificate.js";

export const sha256 = (bytes: Buffer | Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** pdf-lib's standard fonts speak WinAnsi: accents of French pass, anything else becomes '?'. */
export function winAnsi(text: string): string {
  return text.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/[\u2013\u2014]/g, "-").replace(/\u2026/g, "...").replace(/[\u00a0\u202f]/g, " ")
    .replace(/[^\x20-\x7e\u00a0-\u00ff\u20ac\n]/g, "?");
}

/** A simple flowing text writer over A4 pages. */
class Writer {
  page!: PDFPage;
  y = 0;
  readonly margin = 50;
  constructor(private readonly doc: PDFDocument, private readonly font: PDFFont, private readonly bold: PDFFont) {
    this.newPage();
  }
  newPage() {
    this.page = this.doc.addPage([595.28, 841.89]);
    this.y = 841.89 - this.margin;
  }
  line(text: string, options: { size?: number; bold?: boolean; gap?: number; color?: [number, number, number] } = {}) {
    const size = options.size ?? 10;
    const font = options.bold ? this.bold : this.font;
    const width = 595.28 - 2 * this.margin;
    for (const paragraph of winAnsi(text).split("\n")) {
      const words = paragraph.split(/\s+/);
      let current = "";
      const flush = () => {
        if (this.y < this.margin + size) this.newPage();
        this.page.drawText(current, { x: this.margin, y: this.y, size, font, color: rgb(...(options.color ?? [0.1, 0.1, 0.15])) });
        this.y -= size * 1.35;
        current = "";
      };
      for (const word of words) {
        const next = current ? `${current} ${word}` : word;
        if (font.widthOfTextAtSize(next, size) > width && current) {
          flush();
          current = word;
        } else current = next;
      }
      flush();
    }
    this.y -= options.gap ?? 2;
  }
  space(n = 8) {
    this.y -= n;
  }
}

export interface SignatureLine {
  name: string;
  role: string | null;
  signedAt: number;
  method: string;
  maskedPhone: string | null;
}

const dateFr = (ms: number) => new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "medium", timeZone: "Europe/Paris" }).format(new Date(ms));
const utc = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");

/** The signed document: every source PDF in order, then a page listing who signed, when and how. */
export async function withSignaturePage(sources: Buffer[], info: { requestId: number; title: string; dossierReference: string; signers: SignatureLine[]; originalSha256: string[] }): Promise<PDFDocument> {
  const out = await PDFDocument.create();
  for (const bytes of sources) {
    const src = await PDFDocument.load(bytes, { ignoreEncryption: false });
    for (const page of await out.copyPages(src, src.getPageIndices())) out.addPage(page);
  }
  const w = new Writer(out, await out.embedFont(StandardFonts.Helvetica), await out.embedFont(StandardFonts.HelveticaBold));
  w.line("Page de signature", { size: 18, bold: true, gap: 6 });
  w.line(`${info.title} — dossier ${info.dossierReference} — demande de signature n° ${info.requestId}`, { size: 10, gap: 10 });
  for (const s of info.signers) {
    w.line(s.name + (s.role ? ` (${s.role})` : ""), { size: 12, bold: true });
    w.line(`Signé le ${dateFr(s.signedAt)} (heure de Paris), ${utc(s.signedAt)}`);
    w.line(`Méthode : ${s.method}${s.maskedPhone ? `, code envoyé au ${s.maskedPhone}` : ""}`, { gap: 10 });
  }
  w.space(6);
  w.line(`Empreinte SHA-256 du document présenté : ${info.originalSha256.join(", ")}`, { size: 8 });
  w.line(
    "Signature électronique simple au sens de l'article 25 du règlement eIDAS (UE) n° 910/2014 : ni avancée ni qualifiée. " +
      "Le document est scellé par le certificat de l'organisation ; le fichier de preuve joint retrace chaque étape.",
    { size: 8 },
  );
  out.setTitle(`${info.title} (signé)`);
  out.setProducer("Dossier");
  return out;
}

export interface EvidenceInput {
  requestId: number;
  title: string;
  dossierReference: string;
  organisation: string;
  certificate: { subject: string; fingerprint256: string; selfSigned: boolean };
  createdAt: number;
  createdBy: string | null;
  completedAt: number;
  documents: Array<{ filename: string; documentId: number; version: number; sha256: string }>;
  finalSha256: string;
  signers: Array<{ name: string; role: string | null; kind: string; email: string | null; maskedPhone: string | null; signedAt: number | null; evidence: Record<string, unknown> | null }>;
  timeline: Array<{ at: number; type: string; signer: string | null; details: Record<string, unknown> | null }>;
}

/** The evidence file: request, signers, identities, methods, the full timeline and the hashes. */
export async function evidenceFile(e: EvidenceInput): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  const w = new Writer(doc, await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold));
  w.line("Fichier de preuve de signature électronique", { size: 16, bold: true, gap: 6 });
  w.line(`Demande n° ${e.requestId} — ${e.title} — dossier ${e.dossierReference}`, { size: 11, gap: 4 });
  w.line(`Émise par ${e.organisation}, créée le ${utc(e.createdAt)}${e.createdBy ? ` par ${e.createdBy}` : ""}, terminée le ${utc(e.completedAt)}.`, { gap: 8 });
  w.line("Nature de la signature", { size: 12, bold: true });
  w.line("Signature électronique simple (eIDAS, art. 25) : identification par lien personnel envoyé par courriel et code à usage unique envoyé par SMS. Ni avancée ni qualifiée.", { gap: 8 });
  w.line("Documents", { size: 12, bold: true });
  for (const d of e.documents) w.line(`${d.filename} (document ${d.documentId}, version ${d.version}) — SHA-256 de l'original : ${d.sha256}`, { size: 9 });
  w.line(`SHA-256 du document final scellé : ${e.finalSha256}`, { size: 9, gap: 8 });
  w.line("Signataires", { size: 12, bold: true });
  for (const s of e.signers) {
    w.line(`${s.name}${s.role ? ` (${s.role})` : ""} — ${s.kind === "user" ? "utilisateur interne, session authentifiée" : "lien personnel + code SMS"}`, { bold: true, size: 10 });
    w.line(`Courriel : ${s.email ?? "—"} ; téléphone : ${s.maskedPhone ?? "—"} ; signé : ${s.signedAt ? utc(s.signedAt) : "—"}`, { size: 9 });
    const ev = s.evidence ?? {};
    for (const key of ["utc", "local", "timeZone", "ip", "userAgent", "documentSha256", "consent"]) if (ev[key] !== undefined) w.line(`  ${key} : ${String(ev[key])}`, { size: 8 });
    w.space(4);
  }
  w.line("Chronologie", { size: 12, bold: true });
  for (const t of e.timeline) w.line(`${utc(t.at)}  ${t.type}${t.signer ? ` — ${t.signer}` : ""}${t.details ? `  ${JSON.stringify(t.details)}` : ""}`, { size: 8 });
  w.space(8);
  w.line("Scellement", { size: 12, bold: true });
  w.line(`Certificat : ${e.certificate.subject} (SHA-256 ${e.certificate.fingerprint256})${e.certificate.selfSigned ? " — CERTIFICAT AUTO-SIGNÉ, à remplacer par celui de l'organisation (SIGNING_P12)" : ""}`, { size: 8 });
  doc.setTitle(`Fichier de preuve — demande ${e.requestId}`);
  doc.setProducer("Dossier");
  return doc;
}

/** DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2): RSASSA-PKCS1-v1_5 signs prefix + hash. */
const SHA256_DIGEST_INFO = Buffer.from("3031300d060960864801650304020105000420", "hex");

/**
 * A @signpdf signer like its P12Signer (the same CMS: contentType, signingTime, messageDigest,
 * SHA-256, certificate embedded), but with the certificate parsed once and the RSA operation done
 * by node:crypto instead of forge's JavaScript RSA and PKCS#12 decryption on every seal.
 */
export class OrganisationSigner extends Signer {
  private readonly cert: forge.pki.Certificate;
  constructor(private readonly certificate: OrganisationCertificate) {
    super();
    this.cert = forge.pki.certificateFromPem(certificate.certificatePem);
  }
  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString("binary"));
    p7.addCertificate(this.cert);
    const privateKey = this.certificate.privateKey;
    const key = {
      sign: (md: forge.md.MessageDigest) =>
        privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().getBytes(), "binary")])).toString("binary"),
    };
    p7.addSigner({
      key: key as unknown as forge.pki.rsa.PrivateKey, certificate: this.cert, digestAlgorithm: forge.pki.oids["sha256"]!,
      authenticatedAttributes: [
        { type: forge.pki.oids["contentType"]!, value: forge.pki.oids["data"] },
        { type: forge.pki.oids["signingTime"]!, value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids["messageDigest"]! },
      ],
    });
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), "binary");
  }
}

const signers = new WeakMap<OrganisationCertificate, OrganisationSigner>();

/** Seals a PDF (PAdES baseline: CMS detached, ETSI.CAdES.detached) with the organisation's certificate. */
export async function sealPdf(pdf: PDFDocument | Buffer, certificate: OrganisationCertificate, info: { reason: string; name: string; location?: string; contact?: string; at?: Date }): Promise<Buffer> {
  const doc = Buffer.isBuffer(pdf) ? await PDFDocument.load(pdf) : pdf;
  pdflibAddPlaceholder({
    pdfDoc: doc, reason: winAnsi(info.reason), contactInfo: info.contact ?? "", name: winAnsi(info.name), location: winAnsi(info.location ?? ""),
    signatureLength: 16384, subFilter: SUBFILTER_ETSI_CADES_DETACHED, appName: "Dossier", ...(info.at ? { signingTime: info.at } : {}),
  });
  const unsigned = Buffer.from(await doc.save({ useObjectStreams: false }));
  let signer = signers.get(certificate);
  if (!signer) signers.set(certificate, (signer = new OrganisationSigner(certificate)));
  return new SignPdf().sign(unsigned, signer, info.at);
}

export interface SealCheck {
  /** A signature dictionary was found. */
  signed: boolean;
  /** Digest matches the bytes covered and the RSA signature verifies with the embedded certificate. */
  intact: boolean;
  /** The byte range covers the whole file (nothing appended after the seal). */
  wholeFile: boolean;
  signer: string | null;
  certificateFingerprint256: string | null;
  signingTime: string | null;
  problem: string | null;
}

/** Checks the last signature of a PDF (see the module comment for what is checked). */
export function checkSeal(pdf: Buffer): SealCheck {
  const none = (problem: string, signed = false): SealCheck => ({ signed, intact: false, wholeFile: false, signer: null, certificateFingerprint256: null, signingTime: null, problem });
  const text = pdf.toString("latin1");
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = ranges.at(-1);
  if (!last) return none("no signature found in this PDF");
  const [a, b, c, d] = last.slice(1, 5).map(Number) as [number, number, number, number];
  if (a !== 0 || b <= 0 || c <= b || c + d > pdf.length) return none("the signature's byte range does not fit this file", true);
  const hole = text.slice(b, c);
  const hex = /^<([0-9a-fA-F]+)>$/.exec(hole.trim());
  if (!hex) return none("the signature's contents are not where its byte range says", true);
  const covered = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const wholeFile = c + d === pdf.length;
  try {
    const der = Buffer.from(hex[1]!.replace(/(00)+$/, ""), "hex");
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString("binary")), { parseAllBytes: false } as never);
    const message = forge.pkcs7.messageFromAsn1(asn1) as unknown as { certificates: forge.pki.Certificate[]; rawCapture: { authenticatedAttributes?: forge.asn1.Asn1[]; signature: string } };
    const cert = message.certificates[0];
    const attrs = message.rawCapture.authenticatedAttributes;
    if (!cert || !attrs) return none("the signature holds no certificate or no signed attributes", true);
    const pem = forge.pki.certificateToPem(cert);
    const x509 = new X509Certificate(pem);
    let digest: string | null = null;
    let signingTime: string | null = null;
    for (const attr of attrs) {
      const oid = forge.asn1.derToOid((attr.value as forge.asn1.Asn1[])[0]!.value as string);
      const value = ((attr.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!;
      if (oid === forge.pki.oids["messageDigest"]) digest = forge.util.bytesToHex(value.value as string);
      if (oid === forge.pki.oids["signingTime"]) signingTime = forge.asn1.utcTimeToDate(value.value as string).toISOString();
    }
    const signedAttrs = Buffer.from(forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attrs)).getBytes(), "binary");
    const signatureOk = cryptoVerify("sha256", signedAttrs, x509.publicKey, Buffer.from(message.rawCapture.signature, "binary"));
    const digestOk = digest === sha256(covered);
    const intact = signatureOk && digestOk;
    return {
      signed: true, intact, wholeFile, signer: x509.subject.replace(/\n/g, ", ").replace(/\\,/g, ","), certificateFingerprint256: x509.fingerprint256, signingTime,
      problem: intact ? (wholeFile ? null : "bytes were added after the seal") : digestOk ? "the seal's signature does not verify" : "the document was altered after it was sealed",
    };
  } catch (error) {
    return none(`the signature could not be read (${(error as Error).message})`, true);
  }
}
