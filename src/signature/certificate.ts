/**
 * The organisation's certificate and key: they seal signed contracts and evidence files (PAdES)
 * and sign the archive's periodic seals. `SIGNING_P12` + `SIGNING_P12_PASSWORD` name a PKCS#12
 * file; without them a self-signed certificate is generated on first start under
 * `DATA_DIR/signing/` (key file readable by the server's user only) and `selfSigned` is true, so
 * that the UI can say loudly that it must be replaced.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, X509Certificate, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import forge from "node-forge";
import { ConfigError } from "../config.js";

export interface OrganisationCertificate {
  /** The PKCS#12 bytes and passphrase (what @signpdf's P12Signer takes). */
  p12: Buffer;
  passphrase: string;
  /** True for the generated certificate (to be replaced by the organisation's own). */
  selfSigned: boolean;
  /** Where it came from: the SIGNING_P12 path, or the generated file. */
  source: string;
  subject: string;
  /** SHA-256 fingerprint of the certificate, `AA:BB:…`. */
  fingerprint256: string;
  notAfter: Date;
  certificatePem: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** RSA-SHA256 signature of some bytes (archive seals). */
  sign(data: Buffer): Buffer;
  verify(data: Buffer, signature: Buffer): boolean;
}

export interface CertificateOptions {
  dataDir: string;
  /** SIGNING_P12 and SIGNING_P12_PASSWORD. */
  p12Path?: string | undefined;
  p12Password?: string | undefined;
  /** The organisation's name for the generated certificate's subject. */
  organisationName?: string;
  log?: (message: string) => void;
}

/** A ConfigError: the start stops with its message (main.ts), naming the setting. */
export class CertificateError extends ConfigError {}

function fromP12(p12: Buffer, passphrase: string, source: string, selfSigned: boolean): OrganisationCertificate {
  let asn1: forge.asn1.Asn1;
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString("binary")));
    parsed = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (error) {
    throw new CertificateError(`${source}: expected a PKCS#12 file (.p12/.pfx) that SIGNING_P12_PASSWORD opens, but it could not be read (${(error as Error).message})`);
  }
  const { certBag: certOid, pkcs8ShroudedKeyBag: shroudedOid, keyBag: keyOid } = forge.pki.oids as Record<string, string>;
  const bag = (oid: string) => parsed.getBags({ bagType: oid })[oid]?.[0];
  const certBag = bag(certOid!);
  const keyBag = bag(shroudedOid!) ?? bag(keyOid!);
  if (!certBag?.cert || !keyBag?.key) throw new CertificateError(`${source}: expected a certificate and its private key in the PKCS#12 file, but found ${certBag?.cert ? "no key" : "no certificate"}`);
  const certificatePem = forge.pki.certificateToPem(certBag.cert);
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(keyBag.key as forge.pki.rsa.PrivateKey));
  const x509 = new X509Certificate(certificatePem);
  const publicKey = createPublicKey(certificatePem);
  return {
    p12, passphrase, selfSigned, source,
    subject: x509.subject.replace(/\n/g, ", "),
    fingerprint256: x509.fingerprint256,
    notAfter: new Date(x509.validTo),
    certificatePem, privateKey, publicKey,
    sign: (data) => sign("sha256", data, privateKey),
    verify: (data, signature) => verify("sha256", data, publicKey, signature),
  };
}

/** A self-signed RSA-2048 certificate for ten years, as PKCS#12 (3DES, as every reader takes). */
export function generateSelfSigned(organisationName: string, passphrase: string, now = new Date()): Buffer {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = "01" + randomBytes(15).toString("hex");
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000);
  // ASCII only: forge writes PrintableString/IA5 names, where accents would be garbled
  const ascii = (value: string) => value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^\x20-\x7e]/g, "?");
  const attrs = [
    { name: "commonName", value: ascii(`${organisationName} (certificat auto-signe, a remplacer)`) },
    { name: "organizationName", value: ascii(organisationName) },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, nonRepudiation: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], passphrase, { algorithm: "3des", friendlyName: organisationName });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary");
}

/** Loads SIGNING_P12, or the generated certificate of DATA_DIR (creating it on first start). */
export function loadOrganisationCertificate(options: CertificateOptions): OrganisationCertificate {
  if (options.p12Path) {
    if (options.p12Password === undefined) throw new CertificateError("SIGNING_P12_PASSWORD: expected the passphrase of SIGNING_P12, but found none");
    let bytes: Buffer;
    try {
      bytes = readFileSync(options.p12Path);
    } catch (error) {
      throw new CertificateError(`SIGNING_P12: expected a readable PKCS#12 file, but '${options.p12Path}' could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    return fromP12(bytes, options.p12Password, options.p12Path, false);
  }
  const dir = path.join(options.dataDir, "signing");
  const file = path.join(dir, "organisation-self-signed.p12");
  const passFile = path.join(dir, "organisation-self-signed.pass");
  if (!existsSync(file) || !existsSync(passFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const passphrase = randomBytes(24).toString("base64url");
    const p12 = generateSelfSigned(options.organisationName ?? "Dossier", passphrase);
    // files before use: written under temporary names, then renamed (a crash leaves no half file)
    writeFileSync(`${passFile}.tmp`, passphrase, { mode: 0o600 });
    writeFileSync(`${file}.tmp`, p12, { mode: 0o600 });
    renameSync(`${passFile}.tmp`, passFile);
    renameSync(`${file}.tmp`, file);
    options.log?.(`signing: generated a SELF-SIGNED organisation certificate in ${file}; set SIGNING_P12 and SIGNING_P12_PASSWORD to the organisation's own`);
  }
  try {
    chmodSync(passFile, 0o600);
  } catch {
    /* read-only data dir: nothing to tighten */
  }
  return fromP12(readFileSync(file), readFileSync(passFile, "utf8").trim(), file, true);
}
