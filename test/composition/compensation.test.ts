import { expect } from "chai";
import { deployFixtures, startTestEngine, type TestEngine } from "../helpers/engine.js";

describe("compensation", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "composition/compensation-booking.bpmn", "composition/compensation-room-only.bpmn");
  });

  afterEach(() => t.close());

  /** Books the room (job) and charges the card (user task), then answers the confirmation. */
  async function bookAndPay(bpmnProcessId: string, confirmed: boolean): Promise<number> {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId, variables: { confirmed } });
    const [job] = await t.engine.activateJobs({ type: "book-room", timeout: 10_000, maxJobsToActivate: 1 });
    await t.engine.completeJob(job!.jobKey, { room: 12 });
    const [charge] = t.engine.userTasks({ processInstanceKey, elementId: "Task_ChargeCard", state: "CREATED" });
    await t.engine.completeUserTask(charge!.key);
    return processInstanceKey;
  }

  it("should run the handlers of the completed activities, latest first, including inside a completed sub-process", async () => {
    // given a booking that is not confirmed
    const key = await bookAndPay("compensation-booking", false);

    // then the throw event waits for both handlers: the refund (user task) and the cancellation (job)
    const thrown = t.engine.history(key).find((r) => r.type === "COMPENSATION_THROWN");
    expect(thrown?.["compensated"]).to.deep.equal(["Task_ChargeCard", "Task_BookRoom"]);
    expect(t.engine.activeElements(key).map((e) => e.elementId).sort()).to.deep.equal(["Event_Undo", "Task_CancelRoom", "Task_Refund"]);

    // when both handlers complete
    const [refund] = t.engine.userTasks({ processInstanceKey: key, elementId: "Task_Refund", state: "CREATED" });
    await t.engine.completeUserTask(refund!.key);
    expect(t.engine.processInstance(key)?.state).to.equal("ACTIVE");
    const [cancel] = await t.engine.activateJobs({ type: "cancel-room", timeout: 10_000, maxJobsToActivate: 1 });
    expect(cancel?.variables["room"]).to.equal(12);
    await t.engine.completeJob(cancel!.jobKey);

    // then the instance ends on the cancelled path
    expect(t.engine.processInstance(key)?.state).to.equal("COMPLETED");
    const completed = t.engine.history(key).filter((r) => r.type === "ELEMENT_COMPLETED").map((r) => r.elementId);
    expect(completed).to.include.members(["Task_Refund", "Task_CancelRoom", "Event_Undo", "EndEvent_Cancelled"]);
  });

  it("should compensate only the activity named by activityRef", async () => {
    // given
    const key = await bookAndPay("compensation-booking-room-only", false);

    // then only the room is cancelled
    expect(t.engine.activeElements(key).map((e) => e.elementId).sort()).to.deep.equal(["Event_Undo", "Task_CancelRoom"]);
    const [cancel] = await t.engine.activateJobs({ type: "cancel-room", timeout: 10_000, maxJobsToActivate: 1 });
    await t.engine.completeJob(cancel!.jobKey);
    expect(t.engine.processInstance(key)?.state).to.equal("COMPLETED");
    expect(t.engine.userTasks({ processInstanceKey: key, elementId: "Task_Refund" })).to.deep.equal([]);
  });

  it("should run no handler when nothing is compensated and forget the subscriptions when the instance ends", async () => {
    // given a confirmed booking
    const key = await bookAndPay("compensation-booking", true);

    // then
    expect(t.engine.processInstance(key)?.state).to.equal("COMPLETED");
    expect(t.engine.history(key).some((r) => r.type === "COMPENSATION_THROWN")).to.equal(false);
    expect(t.engine.store.events.compensations(key, key)).to.deep.equal([]);
  });

  it("should refuse a compensation boundary event without a handler, naming it", async () => {
    // given a model whose association was removed
    const xml = (await import("../helpers/engine.js")).fixture("composition/compensation-booking.bpmn").toString("utf8")
      .replace(/<bpmn:association id="Association_Room"[^>]*\/>/, "").replace(/<bpmndi:BPMNEdge id="Association_Room_di"[\s\S]*?<\/bpmndi:BPMNEdge>/, "");

    // when
    const error = await t.engine.deploy([{ name: "broken.bpmn", content: xml.replace(/compensation-booking"/g, 'broken-booking"') }]).then(() => undefined, (e: Error & { details: Array<{ elementId?: string; message: string }> }) => e);

    // then
    expect(error?.details.map((d) => d.elementId)).to.include("Boundary_UndoRoom");
    expect(error?.details.find((d) => d.elementId === "Boundary_UndoRoom")?.message).to.match(/associated with a compensation handler/);
  });
});
