/**
 * A refused deployment loses nothing and changes nothing: instances already running go on, the
 * deployed model still starts new instances, and no process definition (nor form) is added, even
 * when the refused deployment also held valid resources.
 */
import { expect } from "chai";
import type { DeployResource } from "../../src/engine/deploy.js";
import { EngineError } from "../../src/engine/errors.js";
import { deployFixtures, fixture, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

const invalid = (name: string): DeployResource => ({ name, content: fixture(`invalid/${name}`) });

/** Each refused deployment, by what a user would call it. */
const refusedDeployments: Array<[string, () => DeployResource[]]> = [
  ["malformed XML (an unclosed tag)", () => [invalid("unclosed-tag.bpmn")]],
  ["a DOCTYPE with nested entities (billion laughs)", () => [invalid("billion-laughs.bpmn")]],
  ["a PNG image saved as .bpmn", () => [{ name: "diagram.bpmn", content: fixture("invalid/tiny-image.png") }]],
  ["10 MB of XML", () => [{ name: "huge.bpmn", content: Buffer.from(`<bpmn:definitions>${"<!-- padding -->".repeat(10 * 65536)}</bpmn:definitions>`) }]],
  ["XML nested 120 levels deep", () => [invalid("deeply-nested.bpmn")]],
  ["duplicate ids", () => [invalid("duplicate-ids.bpmn")]],
  ["a FEEL syntax error in a condition", () => [invalid("feel-condition-syntax.bpmn")]],
  ["a FEEL syntax error in an io mapping", () => [invalid("feel-io-mapping-syntax.bpmn")]],
  ["a FEEL syntax error in a zeebe:script", () => [invalid("feel-script-syntax.bpmn")]],
  ["a targetRef to an unknown element", () => [invalid("unknown-target-ref.bpmn")]],
  ["a default flow that is not outgoing", () => [invalid("default-flow-not-outgoing.bpmn")]],
  ["a process that is not executable", () => [invalid("not-executable.bpmn")]],
  ["a process without start event", () => [invalid("no-start-event.bpmn")]],
  ["a process with two none start events", () => [invalid("two-start-events.bpmn")]],
  ["sequence flows without source or target", () => [invalid("dangling-flows.bpmn")]],
  ["a service task without zeebe:taskDefinition", () => [invalid("service-task-without-definition.bpmn")]],
  ["a complex gateway", () => [invalid("complex-gateway.bpmn")]],
  ["a conditional boundary event", () => [invalid("conditional-boundary-event.bpmn")]],
  ["a gateway with no way out", () => [invalid("gateway-no-way-out.bpmn")]],
  ["an unconditioned non-default gateway flow", () => [invalid("unconditioned-flow.bpmn")]],
  ["a condition on a flow leaving a task", () => [invalid("condition-on-task-flow.bpmn")]],
  ["non-numeric retries", () => [invalid("non-numeric-retries.bpmn")]],
  ["an invalid priority", () => [invalid("invalid-priority.bpmn")]],
  ["an invalid due date", () => [invalid("invalid-due-date.bpmn")]],
  ["a model with three problems", () => [invalid("three-problems.bpmn")]],
  ["an empty resource list", () => []],
  ["a .txt resource", () => [invalid("notes.txt")]],
  ["a form that is not JSON", () => [invalid("not-json.form")]],
  ["a form without id", () => [invalid("form-without-id.form")]],
  ["a new version of the running model next to a broken model", () => [
    { name: "review-case.bpmn", content: fixture("deploy/review-case-v2.bpmn") },
    invalid("no-start-event.bpmn"),
  ]],
  ["a valid form next to a broken model", () => [
    { name: "identity-check.form", content: fixture("deploy/identity-check.form") },
    invalid("gateway-no-way-out.bpmn"),
  ]],
];

describe("model: a refused deployment changes nothing", () => {
  let t: TestEngine;
  let definitionsBefore: Array<[number, string, number]>;
  let rowsBefore: Array<[number, string, number]>;

  const definitions = () => t.engine.definitions.all().map((d): [number, string, number] => [d.key, d.bpmnProcessId, d.version]);
  const rows = () => t.engine.store.allProcessDefinitions().map((d): [number, string, number] => [d.key, d.bpmnProcessId, d.version]);

  before(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "deploy/review-case.bpmn");
    definitionsBefore = definitions();
    rowsBefore = rows();
  });

  after(async () => {
    await t.close();
  });

  for (const [label, resources] of refusedDeployments) {
    it(`should keep running instances going, new instances starting and definitions unchanged after refusing ${label}`, async () => {
      // given: an instance of the deployed model waiting at its user task
      const waiting = await t.engine.createProcessInstance({ bpmnProcessId: "review-case" });
      const [task] = t.engine.userTasks({ processInstanceKey: waiting.processInstanceKey, state: "CREATED" });
      expect(task?.elementId).to.equal("Activity_Review");

      // when
      let refused: unknown;
      try {
        await t.engine.deploy(resources());
      } catch (error) {
        refused = error;
      }

      // then: refused with an engine error, nothing deployed
      expect(refused, "the deployment should be refused").to.be.instanceOf(EngineError);
      expect(definitions()).to.deep.equal(definitionsBefore);
      expect(rows()).to.deep.equal(rowsBefore);
      expect(t.engine.store.latestForm("identity-check")).to.equal(undefined);

      // and: the deployed model still starts instances, at the version deployed before
      const fresh = await t.engine.createProcessInstance({ bpmnProcessId: "review-case" });
      expect(fresh.version).to.equal(1);
      expect(t.engine.activeElements(fresh.processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Activity_Review"]);

      // and: the waiting instance still completes
      await t.engine.completeUserTask(task!.key, { reviewed: true });
      expect(t.engine.processInstance(waiting.processInstanceKey)?.state).to.equal("COMPLETED");
      expect(visited(t.engine, waiting.processInstanceKey)).to.deep.equal(["StartEvent_CaseOpened", "Activity_Review", "EndEvent_CaseReviewed", "review-case"]);
    });
  }
});
