/** The Dolibarr workers' element templates: valid Camunda 8 templates whose job types and inputs are the workers'. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { validateZeebe } from "@bpmn-io/element-templates-validator";
import { expect } from "chai";
import { DOLIBARR_PROJECT_JOB } from "../../src/connectors/dolibarr-project.js";
import { DOLIBARR_THIRDPARTY_JOB } from "../../src/connectors/dolibarr-thirdparty.js";

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "web", "designer", "element-templates");
const load = (name: string) => JSON.parse(readFileSync(path.join(DIR, name), "utf8")) as { properties: Array<{ value?: string; binding: { type: string; property?: string; name?: string } }> };

describe("erp: Dolibarr element templates", () => {
  for (const [file, job, names] of [
    ["dolibarr-thirdparty.json", DOLIBARR_THIRDPARTY_JOB, ["dossierRef", "clientStatus", "tags"]],
    ["dolibarr-project.json", DOLIBARR_PROJECT_JOB, ["dossierRef", "ref", "label", "visibility", "oppStatus", "oppAmount", "tags"]],
  ] as const) {
    it(`should describe ${job} with the inputs its worker reads`, () => {
      const t = load(file);
      const { valid, errors } = validateZeebe(t) as { valid: boolean; errors?: unknown[] };
      expect(valid, JSON.stringify(errors)).to.equal(true);
      expect(t.properties.find((p) => p.binding.property === "type")?.value).to.equal(job);
      expect(t.properties.filter((p) => p.binding.type === "zeebe:input").map((p) => p.binding.name)).to.deep.equal([...names]);
    });
  }
});
