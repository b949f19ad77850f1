/**
 * Mails that carry a secret (a personal link, a sign-in code): the customer gets it, the back office
 * does not — not in the dossier's journal, not on the "mails sent" page, not in the outbox row once
 * a real server accepted it. With the development outbox folder (no mail leaves the machine) the
 * page shows it, as the development SMS phone shows codes.
 */
import { expect } from "chai";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.js";
import { startDossierServer, until } from "../dossiers/support.js";
import type { ApiServer } from "../api/v2/server.js";

const SECRET = "https://dossier.test/portail/lien/Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";

async function queue(api: ApiServer, sensitive: boolean) {
  const { domain, capabilities, engine } = api.server;
  const file = domain.service.byReference((await api.call("GET", "/api/dossiers?type=client", { as: "agent" })).body.items[0].reference);
  const queued = await engine.transaction((tx) => capabilities.mail.outbox.enqueue(tx, {
    to: ["client@exemple.fr"], dossierId: file.id, subject: "Votre espace", text: `Bonjour,\n\nVotre lien personnel : ${SECRET}\n`, purpose: "portal.link", sensitive,
  }));
  return { file, queued };
}

describe("mails that carry a secret", function () {
  this.timeout(60_000);
  let sink: SmtpSink;
  let api: ApiServer | undefined;
  beforeEach(async () => {
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await api?.stop();
    api = undefined;
    await sink.stop();
  });

  it("should deliver the secret to the customer and keep it from the journal, the page and the outbox row once accepted", async () => {
    // given a server with a real mail server
    api = await startDossierServer({ MAIL_SMTP_URL: sink.url });
    // when a mail with a personal link is sent
    const { file, queued } = await queue(api, true);
    const [got] = await sink.until(1);
    // then the customer has the link
    expect(got!.parsed.text).to.include(SECRET);
    // and the back office has nothing of it: no excerpt in the dossier's journal
    const entry = api.server.domain.journal.entries(file.id, { includePrivate: true, actions: ["mail.sent"] }).find((e) => (e.after as { outboundId?: number }).outboundId === queued.id)!;
    expect(JSON.stringify(entry)).to.not.include(SECRET);
    // the sent mail's page says it is confidential instead of showing it
    const detail = await until(async () => {
      const r = await api!.call("GET", `/api/mail/outbound/${queued.id}`, { as: "demo" });
      return r.body.status === "sent" ? r : null;
    }, "the mail to be recorded as sent");
    expect(detail.body).to.include({ sensitive: true, hidden: true, text: null, html: null });
    expect(JSON.stringify(detail.body)).to.not.include(SECRET);
    // and the outbox row no longer holds it
    const row = api.server.engine.store.db.prepare(`SELECT text_body, html_body FROM mail_outbound WHERE id = ?`).get(queued.id) as { text_body: string; html_body: string | null };
    expect(row.text_body).to.not.include(SECRET);
    expect(row.html_body).to.equal(null);
  });

  it("should show an ordinary mail, and a secret one only when mails go to the development outbox folder", async () => {
    // given a server without a mail server (the outbox folder is the development mail catcher)
    api = await startDossierServer();
    // when an ordinary mail and a secret one are sent
    const plain = await queue(api, false);
    const secret = await queue(api, true);
    // then the page shows both bodies: nothing leaves the machine, and a tester follows the link from here
    for (const { queued } of [plain, secret]) {
      const detail = await until(async () => {
        const r = await api!.call("GET", `/api/mail/outbound/${queued.id}`, { as: "demo" });
        return r.body.status === "sent" ? r : null;
      }, "the mail to reach the outbox folder");
      expect(detail.body.text).to.include(SECRET);
    }
  });
});
