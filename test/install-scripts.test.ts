/**
 * Install-script policy (issue 16): `npm install` / `npm ci` must not start telemetry processes or send
 * anything anywhere. This spec checks the policy statically, in milliseconds; `.ci/run` checks a real
 * `npm ci` afterwards with `scripts/check-install.sh` (no telemetry process left running).
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
const TARBALL = "scripts/no-telemetry/ibm-telemetry-js-noop.tgz";
const json = (path: string) => JSON.parse(readFileSync(new URL(path, root), "utf8"));

describe("install scripts", () => {
  const pkg = json("package.json");
  const lock = json("package-lock.json");
  const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
    .filter(([, entry]) => entry.hasInstallScript)
    .map(([path]) => path.replace(/^.*node_modules\//, ""));

  it("should decide explicitly on every locked package that has an install script", () => {
    // given the packages of the lockfile that declare preinstall/install/postinstall scripts
    // then each one is named in allowScripts, so npm never runs an unreviewed script
    const undecided = withScripts.filter((name) => !(name in pkg.allowScripts));
    expect(undecided, "packages with install scripts missing from allowScripts").to.deep.equal([]);
  });

  it("should allow only the scripts the project needs: better-sqlite3 compiles, esbuild checks its binary", () => {
    const allowed = Object.entries(pkg.allowScripts).filter(([, yes]) => yes === true).map(([name]) => name);
    expect(allowed.sort()).to.deep.equal(["better-sqlite3", "esbuild"]);
    expect(pkg.allowScripts["@carbon/grid"]).to.equal(false);
    expect(pkg.allowScripts["@carbon/layout"]).to.equal(false);
  });

  it("should make an unreviewed install script fail the install instead of running", () => {
    const npmrc = readFileSync(new URL(".npmrc", root), "utf8");
    expect(npmrc).to.match(/^strict-allow-scripts=true$/m);
  });

  it("should resolve @ibm/telemetry-js to the local no-op, even for an npm that ignores allowScripts", () => {
    // given npm 10 (bundled with Node 20) runs every install script: the carbon postinstall then calls
    // `ibmtelemetry`, which must be the stand-in
    // (a tarball, not a folder: npm 10 links a folder's bin only after every dependency's postinstall ran)
    expect(pkg.overrides["@ibm/telemetry-js"]).to.equal("$@ibm/telemetry-js");
    expect(pkg.dependencies["@ibm/telemetry-js"]).to.equal(`file:${TARBALL}`);
    const locked = Object.entries(lock.packages as Record<string, { resolved?: string; version?: string; integrity?: string }>)
      .filter(([path]) => path.endsWith("node_modules/@ibm/telemetry-js"));
    expect(locked).to.have.length(1);
    expect(locked[0]![1]).to.include({ resolved: `file:${TARBALL}`, version: "0.0.0-dossier-noop" });
    const tarball = readFileSync(new URL(TARBALL, root));
    expect(locked[0]![1].integrity).to.equal(`sha512-${createHash("sha512").update(tarball).digest("base64")}`);
  });

  it("should pack exactly the reviewed no-op sources into the tarball", () => {
    const packed = (file: string) => execFileSync("tar", ["-xzOf", TARBALL, `package/${file}`], { cwd: root }).toString("utf8");
    const files = execFileSync("tar", ["-tzf", TARBALL], { cwd: root, encoding: "utf8" }).trim().split("\n").sort();
    expect(files).to.deep.equal(["package/ibmtelemetry.js", "package/package.json"]);
    expect(packed("ibmtelemetry.js")).to.equal(readFileSync(new URL("scripts/no-telemetry/ibmtelemetry.js", root), "utf8"));
    expect(JSON.parse(packed("package.json"))).to.deep.equal(json("scripts/no-telemetry/package.json"));
    expect(JSON.parse(packed("package.json")).bin).to.deep.equal({ ibmtelemetry: "ibmtelemetry.js" });
  });

  it("should have an ibmtelemetry command that returns at once without output or child process", () => {
    // when the carbon postinstall line runs against the stand-in
    const started = Date.now();
    const out = execFileSync(process.execPath, ["scripts/no-telemetry/ibmtelemetry.js", "--config=telemetry.yml"], {
      cwd: root, encoding: "utf8", timeout: 10_000,
    });
    // then nothing happens: the real one prints a log file path and spawns a detached collector
    expect(out).to.equal("");
    expect(Date.now() - started).to.be.below(5_000);
    expect(readFileSync(new URL("scripts/no-telemetry/ibmtelemetry.js", root), "utf8")).not.to.match(/spawn|fetch|http|import/);
  });

  it("should set up system packages before the tests and the server start, and CI should run the README's test command", () => {
    expect(pkg.scripts.pretest).to.equal("bash scripts/system-deps.sh test");
    expect(pkg.scripts.prestart).to.match(/^bash scripts\/system-deps\.sh start && /);
    const ci = readFileSync(new URL(".ci/run", root), "utf8");
    expect(ci).to.match(/^npm ci \|\| exit 1$/m);
    expect(ci).to.match(/^bash scripts\/check-install\.sh \|\| exit 1/m);
    expect(ci).to.match(/^npm test 2>&1/m);
    const readme = readFileSync(new URL("README.md", root), "utf8");
    expect(readme).to.contain("npm install && npm test");
  });
});
