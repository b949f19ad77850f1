/**
 * The element templates of the built-in connectors: valid Camunda 8 templates (the same validator
 * the modeler runs before offering them), one per job type, and fully translated into French.
 */
import { validateZeebe } from "@bpmn-io/element-templates-validator";
import { expect } from "chai";
import { ELEMENT_TEMPLATES, elementTemplates, untranslatedTexts } from "../../src/web/designer/templates.js";

interface Template {
  id: string;
  name: string;
  appliesTo: string[];
  elementType: { value: string };
  properties: Array<{ type: string; value?: string; binding: { type: string; property?: string; name?: string } }>;
}

const templates = ELEMENT_TEMPLATES as unknown as Template[];
const jobType = (t: Template) => t.properties.find((p) => p.binding.type === "zeebe:taskDefinition" && p.binding.property === "type")?.value;
const inputs = (t: Template) => t.properties.filter((p) => p.binding.type === "zeebe:input").map((p) => p.binding.name);

describe("web: designer element templates", () => {
  it("should be valid Camunda 8 element templates", () => {
    for (const template of [...templates, ...(elementTemplates("fr") as Template[])]) {
      const { valid, errors } = validateZeebe(template) as { valid: boolean; errors?: unknown[] };
      expect(valid, `${template.id}: ${JSON.stringify(errors)}`).to.equal(true);
    }
  });

  it("should turn a task into a service task of each built-in connector's job type", () => {
    const connectors = templates.filter((t) => t.id !== "dossier.portal.task"); // the portal's template is a user task (party:<role>)
    expect(connectors.map(jobType)).to.deep.equal(["mail.send", "sms.send", "document.render", "signature.request", "archive.deposit", "http", "dossier.update", "dolibarr.thirdparty", "dolibarr.project"]);
    for (const t of connectors) {
      expect(t.appliesTo).to.deep.equal(["bpmn:Task", "bpmn:ServiceTask"]);
      expect(t.elementType.value).to.equal("bpmn:ServiceTask");
    }
    expect(inputs(templates[0]!)).to.include.members(["to", "subject", "template", "attachments"]);
    const byType = (type: string) => connectors.find((t) => jobType(t) === type)!;
    expect(inputs(byType("sms.send"))).to.include.members(["toRole", "to", "text", "sensitive"]);
    expect(inputs(byType("document.render"))).to.include.members(["template", "outputVariable"]);
    expect(inputs(byType("dossier.update"))).to.include.members(["dossierRef", "set", "state", "note", "notePublic", "child"]);
  });

  it("should show every name, description and label in French when the interface is in French", () => {
    expect(untranslatedTexts()).to.deep.equal([]);
    const french = elementTemplates("fr") as Template[];
    expect(french.map((t) => t.name)).to.deep.equal(["Envoyer un e-mail", "Envoyer un SMS", "Générer un document", "Demander une signature", "Archiver", "Appel HTTP", "Mettre à jour le dossier", "Tiers Dolibarr", "Projet Dolibarr", "Tâche d'un tiers (portail)"]);
    expect((elementTemplates("en") as Template[]).map((t) => t.name)).to.deep.equal(["Send an email", "Send an SMS", "Render a document", "Request a signature", "Archive deposit", "HTTP call", "Update the dossier", "Dolibarr third party", "Dolibarr project", "Task for a third party (portal)"]);
    // bindings and job types are never translated
    expect(french.map(jobType)).to.deep.equal(templates.map(jobType));
  });
});
