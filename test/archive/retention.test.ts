import { expect } from "chai";
import { addDuration, fiscalYearEnd, parseDuration } from "../../src/archive/dates.js";
import { computeWith, defaultRules, later, type RetentionRule } from "../../src/archive/rules.js";
import { merkleProof, merkleRoot, verifyProof } from "../../src/archive/merkle.js";
import { timestampRequest } from "../../src/archive/tsa.js";

const day = (iso: string) => Date.parse(`${iso}T10:00:00Z`);
const rules = defaultRules({ fiscalYearEnd: "12-31", identityRetention: "P1Y" });
const rule = (id: string) => rules.find((r) => r.id === id)!;

describe("archive retention: dates across years", () => {
  it("should add ISO 8601 durations with month-end clamping (29 February + 1 year = 28 February)", () => {
    expect(addDuration("2024-02-29", parseDuration("P1Y"))).to.equal("2025-02-28");
    expect(addDuration("2024-02-29", parseDuration("P4Y"))).to.equal("2028-02-29");
    expect(addDuration("2023-01-31", parseDuration("P1M"))).to.equal("2023-02-28");
    expect(addDuration("2024-01-31", parseDuration("P1M"))).to.equal("2024-02-29");
    expect(addDuration("2024-12-31", parseDuration("P10Y"))).to.equal("2034-12-31");
    expect(addDuration("2024-12-20", parseDuration("P2W"))).to.equal("2025-01-03");
    expect(addDuration("2024-02-28", parseDuration("P1D"))).to.equal("2024-02-29");
    expect(() => parseDuration("10 years")).to.throw(/Expected an ISO 8601 duration .* but found "10 years"/);
    expect(() => parseDuration("PT1H")).to.throw(/Expected an ISO 8601 duration/);
  });

  it("should find the end of the fiscal year containing a date, for calendar and shifted years", () => {
    expect(fiscalYearEnd("2024-03-15", "12-31")).to.equal("2024-12-31");
    expect(fiscalYearEnd("2024-12-31", "12-31")).to.equal("2024-12-31");
    expect(fiscalYearEnd("2024-03-15", "03-31")).to.equal("2024-03-31");
    expect(fiscalYearEnd("2024-04-01", "03-31")).to.equal("2025-03-31");
    expect(fiscalYearEnd("2023-06-10", "02-29")).to.equal("2024-02-29"); // end of February, leap year
    expect(fiscalYearEnd("2022-06-10", "02-29")).to.equal("2023-02-28");
  });

  it("should keep an invoice 10 years from the end of its fiscal year, whatever the archiving date", () => {
    const r = computeWith(rule("factures"), { documentType: "facture", dossierType: "client", dossierData: {}, documentAt: day("2024-03-15"), depositedAt: day("2027-06-01") }, "12-31");
    expect(r).to.include({ retainFrom: "2024-12-31", retainUntil: "2034-12-31", finalAction: "destroy", ruleId: "factures" });
    const shifted = computeWith(rule("factures"), { documentType: "facture", dossierType: "client", dossierData: {}, documentAt: day("2024-04-02"), depositedAt: day("2024-05-01") }, "03-31");
    expect(shifted.retainUntil).to.equal("2035-03-31");
  });

  it("should keep a signed contract 5 years after the contract's end date field, falling back to the archiving date (said) when it is missing", () => {
    const r = computeWith(rule("contrats-signes"), { documentType: "contrat", dossierType: "contrat", dossierData: { dateFin: "2028-02-29" }, documentAt: day("2024-01-10"), depositedAt: day("2024-03-01") }, "12-31");
    expect(r.retainUntil).to.equal("2033-02-28");
    const missing = computeWith(rule("contrats-signes"), { documentType: "contrat", dossierType: "contrat", dossierData: {}, documentAt: day("2024-01-10"), depositedAt: day("2024-03-01") }, "12-31");
    expect(missing.retainUntil).to.equal("2029-03-01");
    expect(missing.note).to.match(/no date in 'dateFin'/);
  });

  it("should treat 'kept forever' as the latest retain-until", () => {
    expect(later("2030-01-01", "2031-01-01")).to.equal("2031-01-01");
    expect(later(null, "2031-01-01")).to.equal(null);
    const keep: RetentionRule = { ...rule("defaut"), finalAction: "keep", duration: null };
    expect(computeWith(keep, { documentType: null, dossierType: "client", dossierData: {}, documentAt: null, depositedAt: day("2024-01-01") }, "12-31").retainUntil).to.equal(null);
  });
});

describe("archive seals: Merkle proofs and the TSA request", () => {
  it("should prove each entry of a period against the root, and refuse an altered entry", () => {
    const hashes = Array.from({ length: 7 }, (_, i) => String(i).repeat(64).slice(0, 64).replace(/[^0-9a-f]/g, "a"));
    const root = merkleRoot(hashes);
    for (let i = 0; i < hashes.length; i++) expect(verifyProof(hashes[i]!, merkleProof(hashes, i), root), `entry ${i}`).to.equal(true);
    expect(verifyProof("f".repeat(64), merkleProof(hashes, 3), root)).to.equal(false);
  });

  it("should encode an RFC 3161 TimeStampReq for a SHA-256 (DER, as openssl ts -query does)", () => {
    const der = timestampRequest(Buffer.alloc(32, 1), Buffer.alloc(8, 2));
    expect(der[0]).to.equal(0x30);
    expect(der.includes(Buffer.from("0609608648016503040201", "hex")), "the SHA-256 OID").to.equal(true);
    expect(der.includes(Buffer.concat([Buffer.from([0x04, 0x20]), Buffer.alloc(32, 1)])), "the message imprint").to.equal(true);
  });
});
