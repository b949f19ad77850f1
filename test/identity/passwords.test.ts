import { expect } from "chai";
import { hashPassword, verifyPassword } from "../../src/identity/passwords.js";

describe("password hashing (scrypt)", () => {
  it("should store a salted scrypt hash that names its parameters and never the password", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).to.match(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).to.not.equal(b);
    expect(a).to.not.contain("horse");
  });

  it("should accept the right password only", async () => {
    const stored = await hashPassword("correct horse");
    expect(await verifyPassword("correct horse", stored)).to.equal(true);
    expect(await verifyPassword("correct hors", stored)).to.equal(false);
    expect(await verifyPassword("correct horse", "md5$abc")).to.equal(false);
  });
});
