/**
 * Issue 15, reproductions 6 and 7: BPMN attributes are bounded and their characters checked at
 * deploy (a 4 MB process name would be copied into every task of every search; `&#0;`, lone
 * surrogates and undefined entities passed as text), and a malformed percent-encoding in a path
 * is a 400, not a 500.
 */
import { expect } from "chai";
import { basic, deployXml, processXml, startApiServer, whileOtherClientAsks, type ApiServer, within } from "./support.js";

const flow = `
    <bpmn:startEvent id="Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>`;

describe("security: BPMN text and request paths", function () {
  this.timeout(60_000);
  let api: ApiServer;

  before(async () => {
    api = await startApiServer();
  });
  after(async () => {
    await api.stop();
  });

  it("should refuse a 4 MB process name with a 400 naming BPMN_MAX_NAME_LENGTH and the length found, while another client is answered", async () => {
    // given
    const name = "N".repeat(4 * 1024 * 1024 - 2048);

    // when
    const { result, ms, slowestOtherMs } = await whileOtherClientAsks(api, () => deployXml(api, "huge-name.bpmn", processXml("huge-name", flow, name)));

    // then
    expect(result.status).to.equal(400);
    const problems = JSON.stringify(result.body.problems);
    expect(problems).to.contain("BPMN_MAX_NAME_LENGTH").and.contain(String(name.length)).and.contain("huge-name");
    expect(ms).to.be.below(within(5000));
    expect(slowestOtherMs).to.be.below(within(2000));
  });

  it("should refuse a documentation text longer than BPMN_MAX_ATTRIBUTE_LENGTH", async () => {
    // given
    const inner = `<bpmn:documentation>${"d".repeat(30_000)}</bpmn:documentation>${flow}`;

    // when
    const result = await deployXml(api, "long-doc.bpmn", processXml("long-doc", inner));

    // then
    expect(result.status).to.equal(400);
    expect(JSON.stringify(result.body.problems)).to.contain("BPMN_MAX_ATTRIBUTE_LENGTH").and.contain("30000");
  });

  for (const [what, name, expected] of [
    ["a NUL character reference", "A&#0;B", "&#0;"],
    ["a lone surrogate", "A&#xD800;B", "&#xD800;"],
    ["an undefined entity", "A&nbsp;B", "&nbsp;"],
  ] as const) {
    it(`should refuse ${what} in an attribute, naming it`, async () => {
      // given / when
      const result = await deployXml(api, "bad-char.bpmn", processXml("bad-char", flow, name));

      // then
      expect(result.status, JSON.stringify(result.body)).to.equal(400);
      expect(JSON.stringify(result.body.problems ?? result.body.detail)).to.contain(expected);
    });
  }

  it("should still deploy predefined entities and character references to allowed characters", async () => {
    // given / when
    const result = await deployXml(api, "fine.bpmn", processXml("fine", flow, "Devis &amp; contrat &#34;signé&#34; &lt;2026&gt; &#x1F600;"));

    // then
    expect(result.status, JSON.stringify(result.body)).to.equal(200);
  });

  for (const path of ["/v2/user-tasks/%ff", "/v2/process-instances/%E0%A4%A", "/v2/user-tasks/%ff/completion"]) {
    it(`should answer a malformed percent-encoding (${path}) with 400, not 500`, async () => {
      // given / when
      const method = path.endsWith("completion") ? "POST" : "GET";
      const res = await fetch(api.base + path, { method, headers: { authorization: basic("agent"), "content-type": "application/json" }, ...(method === "POST" ? { body: "{}" } : {}) });

      // then
      expect(res.status).to.equal(400);
      const body = (await res.json()) as { title: string; detail: string };
      expect(body.title).to.equal("INVALID_ARGUMENT");
      expect(body.detail).to.contain("percent-encoded");
      expect(api.logs.join("\n")).not.to.contain("URIError");
    });
  }
});
