/**
 * RFC 3161 timestamp authority adapter (ARCHIVE_TSA_URL, optional): a TimeStampReq for the
 * SHA-256 of a seal, POSTed as application/timestamp-query; the DER TimeStampResp is kept beside
 * the seal (base64) when its status is granted. It runs AFTER the seal committed (network never
 * inside a transaction); a failure is recorded, the signed seal stands alone (offline mode).
 *
 * Tested against a local `openssl ts -reply` authority (test/archive/tsa.test.ts: the response is
 * checked by `openssl ts -verify`); never against a public TSA (offline). The token's signature is
 * not verified here: `openssl ts -verify -digest <seal hash> -in <token> -CAfile <tsa cert>` does.
 */
import { randomBytes } from "node:crypto";
import forge from "node-forge";

const SHA256_OID = "2.16.840.1.101.3.4.2.1";

/** DER of TimeStampReq { version 1, messageImprint { sha256, hash }, nonce, certReq TRUE }. */
export function timestampRequest(sha256: Buffer, nonce = randomBytes(8)): Buffer {
  const a = forge.asn1;
  const req = a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [
    a.create(a.Class.UNIVERSAL, a.Type.INTEGER, false, a.integerToDer(1).getBytes()),
    a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [
      a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [
        a.create(a.Class.UNIVERSAL, a.Type.OID, false, a.oidToDer(SHA256_OID).getBytes()),
        a.create(a.Class.UNIVERSAL, a.Type.NULL, false, ""),
      ]),
      a.create(a.Class.UNIVERSAL, a.Type.OCTETSTRING, false, sha256.toString("binary")),
    ]),
    a.create(a.Class.UNIVERSAL, a.Type.INTEGER, false, Buffer.concat([Buffer.from([0]), nonce]).toString("binary")),
    a.create(a.Class.UNIVERSAL, a.Type.BOOLEAN, false, String.fromCharCode(0xff)),
  ]);
  return Buffer.from(a.toDer(req).getBytes(), "binary");
}

/** The PKIStatus of a TimeStampResp (0 granted, 1 grantedWithMods, 2+ refused). */
export function timestampStatus(der: Buffer): number {
  const resp = forge.asn1.fromDer(forge.util.createBuffer(der.toString("binary")));
  const statusInfo = (resp.value as forge.asn1.Asn1[])[0]!;
  const status = (statusInfo.value as forge.asn1.Asn1[])[0]!;
  return forge.asn1.derToInteger(forge.util.createBuffer(status.value as string));
}

export interface TimestampAuthority {
  readonly url: string;
  stamp(sha256: Buffer): Promise<Buffer>;
}

export function httpTimestampAuthority(url: string, timeoutMs = 15_000): TimestampAuthority {
  return {
    url,
    async stamp(sha256) {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/timestamp-query" }, body: new Uint8Array(timestampRequest(sha256)), signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`Expected the TSA ${url} to answer 200, but it answered ${res.status}`);
      const der = Buffer.from(await res.arrayBuffer());
      const status = timestampStatus(der);
      if (status > 1) throw new Error(`Expected the TSA ${url} to grant the timestamp, but its status is ${status}`);
      return der;
    },
  };
}
