import { expect } from "chai";
import { routesOf } from "../../src/api/route-table.js";
import { linkedDossier } from "../../src/dossiers/task-dossier.js";
import type { ApiServer } from "../api/v2/server.js";
import { captureMails, captureSms, fakePdfExe, linkIn, pdf, startPortalServer, until, visitorClient, type CapturedMail, type Visitor } from "./support.js";

/** A person of the demo with a quote request, a shared document, a message and an open party task. */
interface Customer { email: string; reference: string; dossierId: number; partyId: number; documentId: number; taskKey: string; token: string; visitor: Visitor }

const TASK_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="portal-spec-ask" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Ask" name="Envoyer une photo"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="recrutement-pieces" />
      <zeebe:assignmentDefinition candidateGroups="party:customer" /><zeebe:taskHeaders><zeebe:header key="portal.linkLifetime" value="P2D" /><zeebe:header key="portal.sms" value="true" /></zeebe:taskHeaders></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="After" name="Suite"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="agents" /></bpmn:extensionElements><bpmn:incoming>f2</bpmn:incoming></bpmn:userTask>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="Ask" /><bpmn:sequenceFlow id="f2" sourceRef="Ask" targetRef="After" />
  </bpmn:process>
</bpmn:definitions>`;

describe("portal security: isolation, tokens, enumeration, CSRF, sessions, uploads, journal", function () {
  this.timeout(90_000);
  let api: ApiServer;
  let mails: CapturedMail[];
  let sms: Array<{ to: string; text: string; purpose: string }>;
  let a: Customer;
  let b: Customer;
  let usersAtStart = 0;

  const quote = async (email: string, lastName: string, file: Uint8Array<ArrayBuffer> = pdf(`Photo ${lastName}`), extra: Record<string, string> = {}) => {
    const body = new FormData();
    body.append("values", JSON.stringify({ firstName: "Jean", lastName, email, phone: "06 12 34 56 78", nature: "fuite", description: `Fuite chez ${lastName}` }));
    body.append("file:photos", new Blob([file]), "photo.pdf");
    for (const [k, v] of Object.entries(extra)) body.append(k, v);
    return visitorClient(api.base).call("POST", "/p/devis/submit", body);
  };

  async function customer(email: string, lastName: string): Promise<Customer> {
    const sent = await quote(email, lastName);
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    const reference = sent.body.reference as string;
    const { domain, engine } = api.server;
    const dossier = domain.service.byReference(reference);
    const partyId = domain.service.partiesOf(dossier.id).find((p) => p.role === "customer")!.partyId;
    const documentId = (await api.call("GET", `/api/dossiers/${reference}/documents`)).body.items[0].id as number;
    // the agent shares nothing yet: the portal shows what the customer sent (shared on arrival)
    await engine.transaction((tx) => domain.catalogue.start(tx, dossier, "portal-spec-ask", { kind: "action", actionId: null, actor: null }));
    const mail = await until(`the link mail for ${reference}`, () => mails.find((m) => m.purpose === "portal.link" && m.dossierId === dossier.id));
    const token = linkIn(mail.text);
    const visitor = visitorClient(api.base);
    const opened = await visitor.call("GET", `/portail/api/link/${token}`);
    expect(opened.status, JSON.stringify(opened.body)).to.equal(200);
    const posted = await visitor.call("POST", `/portail/api/dossiers/${reference}/messages`, { text: `Bonjour, ici ${lastName}` });
    expect(posted.status, JSON.stringify(posted.body)).to.equal(201);
    return { email, reference, dossierId: dossier.id, partyId, documentId, taskKey: opened.body.taskId, token, visitor };
  }

  before(async () => {
    process.env["PORTAL_SUBMISSIONS_PER_EMAIL_PER_DAY"] = "3";
    api = await startPortalServer();
    usersAtStart = api.server.identity.store.countUsers();
    delete process.env["PORTAL_SUBMISSIONS_PER_EMAIL_PER_DAY"];
    mails = captureMails(api);
    sms = captureSms(api);
    await api.server.engine.deploy([{ name: "portal-spec-ask.bpmn", content: Buffer.from(TASK_BPMN) }]);
    a = await customer("alice.a@example.fr", "Alpha");
    b = await customer("bruno.b@example.fr", "Bravo");
  });
  after(() => api.stop());

  /** Every visitor route with the ids of another customer's items, and what it must answer. */
  const OTHERS_ITEMS: Record<string, (as: Customer, other: Customer) => [string, string, unknown?]> = {
    "GET /portail/api/dossiers/{reference}": (_, o) => ["GET", `/portail/api/dossiers/${o.reference}`],
    "GET /portail/api/dossiers/{reference}/documents/{documentId}": (_, o) => ["GET", `/portail/api/dossiers/${o.reference}/documents/${o.documentId}`],
    "POST /portail/api/dossiers/{reference}/messages": (_, o) => ["POST", `/portail/api/dossiers/${o.reference}/messages`, { text: "intrus" }],
    "GET /portail/api/tasks/{key}": (_, o) => ["GET", `/portail/api/tasks/${o.taskKey}`],
    "POST /portail/api/tasks/{key}": (_, o) => ["POST", `/portail/api/tasks/${o.taskKey}`, new FormData()],
  };
  /** Another customer's document through one's own dossier. */
  const MIXED: Array<(as: Customer, other: Customer) => [string, string]> = [
    (s, o) => ["GET", `/portail/api/dossiers/${s.reference}/documents/${o.documentId}`],
  ];

  it("should answer 404 to customer A for every dossier, document, task and message route of customer B (and back)", async () => {
    for (const [as, other] of [[a, b], [b, a]] as const) {
      for (const [route, make] of Object.entries(OTHERS_ITEMS)) {
        const [method, url, body] = make(as, other);
        const res = await as.visitor.call(method, url, body);
        expect(res.status, `${route} as ${as.email}: ${JSON.stringify(res.body)}`).to.equal(404);
      }
      for (const make of MIXED) {
        const [method, url] = make(as, other);
        expect((await as.visitor.call(method, url)).status, url).to.equal(404);
      }
      // their own answer 200 (the matrix is not vacuous)
      expect((await as.visitor.call("GET", `/portail/api/dossiers/${as.reference}`)).status).to.equal(200);
      expect((await as.visitor.call("GET", `/portail/api/dossiers/${as.reference}/documents/${as.documentId}`)).status).to.equal(200);
      expect((await as.visitor.call("GET", `/portail/api/tasks/${as.taskKey}`)).status).to.equal(200);
      // and the lists name nothing of the other
      const home = await as.visitor.call("GET", "/portail/api/home");
      expect(JSON.stringify(home.body)).to.not.include(other.reference);
      expect(home.body.dossiers.map((d: { reference: string }) => d.reference)).to.deep.equal([as.reference]);
      const mine = await as.visitor.call("GET", `/portail/api/dossiers/${as.reference}`);
      expect(JSON.stringify(mine.body)).to.not.include(other.email.split("@")[0]!);
      expect(JSON.stringify((await as.visitor.call("GET", "/portail/api/profile")).body)).to.not.include(other.email);
    }
    // B's message did not land in B's dossier from A's session
    const thread = (await api.call("GET", `/api/dossiers/${b.reference}/portal`)).body.messages.map((m: { text: string }) => m.text);
    expect(thread).to.deep.equal(["Bonjour, ici Bravo"]);
  });

  it("should check every visitor route with an id in the isolation matrix (a new route must join it)", () => {
    const capabilities = api.server.capabilities;
    const routes = capabilities.pageRouters().flatMap(routesOf).map((r) => `${r.method} ${r.path}`).filter((r) => r.includes("/portail/api/") && r.includes("{"));
    const covered = [...Object.keys(OTHERS_ITEMS), "GET /portail/api/link/{token}", "POST /portail/api/link/{token}/resend"];
    const ours = capabilities.portal.module.pageRouters!.flatMap(routesOf).map((r) => `${r.method} ${r.path}`).filter((r) => r.includes("/portail/api/") && r.includes("{"));
    expect(ours.filter((r) => !covered.includes(r))).to.deep.equal([]);
    for (const r of capabilities.pageRouters().flatMap(routesOf)) expect(r.permission, `${r.method} ${r.path}`).to.not.equal(undefined);
    otherModulesRoutes = routes.filter((r) => !covered.includes(r));
  });

  let otherModulesRoutes: string[] = [];

  it("should answer other modules' portal item routes with 401 without a session and never 2xx for an item that is not the visitor's", async () => {
    for (const route of otherModulesRoutes) {
      const [method, path] = route.split(" ") as [string, string];
      const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === "token" ? "A".repeat(43) : "9007199254740"));
      const body = method === "GET" ? undefined : {};
      const signedIn = await a.visitor.call(method, url, body);
      expect(signedIn.status, `${route} as A`).to.be.oneOf([400, 404, 410]);
      if (!path.includes("{token}")) expect((await visitorClient(api.base).call(method, url, body)).status, `${route} without a session`).to.be.oneOf([401, 404]);
    }
  });

  it("should also send the link by SMS when the task asks for it (portal.sms), to the party's mobile", async () => {
    const texts = sms.filter((m) => m.purpose === "portal.link");
    expect(texts.map((m) => m.to)).to.deep.equal(["+33612345678", "+33612345678"]);
    expect(texts[0]!.text).to.include(`/portail/tache/${a.token}`);
  });

  it("should give other modules' sections only the visitor's own dossiers", async () => {
    const seen: number[][] = [];
    api.server.capabilities.portal.api.registerSection({ id: "spec", title: { fr: "Spec", en: "Spec" }, items: (_partyId, dossierIds) => { seen.push(dossierIds); return [{ id: "x", title: "Facture", href: "/portail" }]; } });
    const home = await a.visitor.call("GET", "/portail/api/home");
    expect(home.body.sections.find((s: { id: string }) => s.id === "spec").items).to.have.length(1);
    expect(seen).to.deep.equal([[a.dossierId]]);
  });

  it("should not open a page with a guessed token, a token of another purpose, or an unknown one, and tell them apart from nothing", async () => {
    const stranger = visitorClient(api.base);
    const random = "A".repeat(43);
    const { links, engine } = api.server.capabilities.links ? { links: api.server.capabilities.links, engine: api.server.engine } : ({} as never);
    const signature = await engine.transaction(() => links.issue({ partyId: a.partyId, purpose: "signature.signer", subject: `task:${a.taskKey}`, dossierId: a.dossierId }));
    const answers = [];
    for (const token of [random, signature.token, "short", `${a.token.slice(0, 42)}x`]) {
      const res = await stranger.call("GET", `/portail/api/link/${token}`);
      answers.push([res.status, res.body?.detail]);
    }
    expect(new Set(answers.map((x) => JSON.stringify(x))).size, JSON.stringify(answers)).to.equal(1);
    expect(answers[0]![0]).to.equal(404);
    expect(stranger.cookie).to.equal(undefined);
    // the tokens are stored only hashed
    const row = api.server.engine.store.db.prepare(`SELECT * FROM access_link WHERE id = ?`).get(signature.id) as Record<string, unknown>;
    expect(JSON.stringify(row)).to.not.include(signature.token);
  });

  it("should answer the same to a known and an unknown address asking for a sign-in code, and refuse wrong codes", async () => {
    const ask = (email: string) => visitorClient(api.base).call("POST", "/portail/api/signin/code", { email });
    const known = await ask(a.email);
    const unknown = await ask("personne.inconnue@example.fr");
    expect([known.status, known.body]).to.deep.equal([unknown.status, unknown.body]);
    expect(known.status).to.equal(202);
    const visitor = visitorClient(api.base);
    const wrong = await visitor.call("POST", "/portail/api/signin/verify", { email: a.email, code: "000000" });
    const none = await visitor.call("POST", "/portail/api/signin/verify", { email: "personne.inconnue@example.fr", code: "000000" });
    expect([wrong.status, wrong.body.detail]).to.deep.equal([none.status, none.body.detail]);
    expect(visitor.cookie).to.equal(undefined);
    const pw = await visitor.call("POST", "/portail/api/signin/password", { email: a.email, password: "n'importe quoi" });
    const pwNone = await visitor.call("POST", "/portail/api/signin/password", { email: "personne.inconnue@example.fr", password: "n'importe quoi" });
    expect([pw.status, pw.body.detail]).to.deep.equal([pwNone.status, pwNone.body.detail]);
    // the code is stored hashed, and five wrong tries use it up
    const code = /(\d{6})/.exec(mails.filter((m) => m.purpose === "portal.signin").at(-1)!.text!)![1]!;
    const stored = JSON.stringify(api.server.engine.store.db.prepare(`SELECT * FROM portal_code`).all());
    expect(stored).to.not.include(`"${code}"`);
    for (let i = 0; i < 5; i++) await visitor.call("POST", "/portail/api/signin/verify", { email: a.email, code: code === "123456" ? "654321" : "123456" });
    expect((await visitor.call("POST", "/portail/api/signin/verify", { email: a.email, code })).status).to.equal(400);
  });

  it("should refuse every state change without the portal session's CSRF token", async () => {
    const forged = visitorClient(api.base);
    forged.cookie = a.visitor.cookie;
    forged.csrf = undefined;
    const form = new FormData();
    form.append("values", "{}");
    for (const [method, url, body] of [
      ["POST", `/portail/api/dossiers/${a.reference}/messages`, { text: "forgé" }],
      ["POST", `/portail/api/tasks/${a.taskKey}`, form],
      ["PATCH", "/portail/api/profile", { language: "en" }],
      ["POST", "/portail/api/signout", undefined],
    ] as const) {
      const res = await forged.call(method, url, body);
      expect(res.status, `${method} ${url}`).to.equal(403);
      expect(res.body.title).to.equal("CSRF_TOKEN_MISMATCH");
      forged.csrf = "x".repeat(32);
      expect((await forged.call(method, url, body)).status, `${method} ${url} with a wrong token`).to.equal(403);
      forged.csrf = undefined;
    }
    // and a cross-site page cannot post at all
    const crossSite = await a.visitor.call("POST", `/portail/api/dossiers/${a.reference}/messages`, { text: "x" }, { origin: "https://evil.example" });
    expect(crossSite.status).to.equal(403);
  });

  it("should keep portal and back-office sessions apart", async () => {
    // the portal cookie opens nothing in the back office, under either cookie name
    for (const cookie of [`dossier_portal=${a.visitor.cookie}`, `dossier_session=${a.visitor.cookie}`]) {
      const res = await fetch(`${api.base}/api/dossiers/${a.reference}`, { headers: { cookie, "x-requested-with": "XMLHttpRequest" } });
      expect(res.status, cookie.split("=")[0]).to.equal(401);
    }
    // a back-office session opens nothing in the portal
    const login = await fetch(`${api.base}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "demo", password: "demo" }) });
    const session = /dossier_session=([^;]+)/.exec(login.headers.get("set-cookie") ?? "")![1]!;
    for (const cookie of [`dossier_session=${session}`, `dossier_portal=${session}`]) {
      const res = await fetch(`${api.base}/portail/api/home`, { headers: { cookie } });
      expect(res.status, cookie.split("=")[0]).to.equal(401);
    }
    // the portal cookie is HttpOnly, SameSite=Lax
    const again = visitorClient(api.base);
    const code = await again.call("POST", "/portail/api/signin/code", { email: b.email });
    expect(code.status).to.equal(202);
    const sent = /(\d{6})/.exec(mails.filter((m) => m.purpose === "portal.signin").at(-1)!.text!)![1]!;
    const res = await fetch(`${api.base}/portail/api/signin/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: b.email, code: sent }) });
    expect(res.headers.get("set-cookie")).to.match(/^dossier_portal=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
    // a portal account holds no back-office permission: signing in made no back-office user
    expect(api.server.identity.store.countUsers()).to.equal(usersAtStart);
  });

  it("should refuse a file that is an executable named .pdf, keeping nothing", async () => {
    const before = (api.server.engine.store.db.prepare(`SELECT COUNT(*) AS n FROM dossier`).get() as { n: number }).n;
    const res = await quote("claire.c@example.fr", "Charlie", fakePdfExe());
    expect(res.status, JSON.stringify(res.body)).to.equal(415);
    expect((api.server.engine.store.db.prepare(`SELECT COUNT(*) AS n FROM dossier`).get() as { n: number }).n).to.equal(before);
    // on a task page too
    const form = new FormData();
    form.append("values", "{}");
    form.append("file:certificates", new Blob([fakePdfExe()]), "diplome.pdf");
    expect((await a.visitor.call("POST", `/portail/api/tasks/${a.taskKey}`, form)).status).to.equal(415);
    expect((await a.visitor.call("GET", `/portail/api/tasks/${a.taskKey}`)).status).to.equal(200);
  });

  it("should drop a submission whose honeypot is filled, answering the same thanks", async () => {
    const before = (api.server.engine.store.db.prepare(`SELECT COUNT(*) AS n FROM dossier`).get() as { n: number }).n;
    const res = await quote("robot@example.fr", "Robot", pdf("x"), { website: "http://spam.example" });
    expect(res.status).to.equal(201);
    expect(res.body.reference).to.equal(null);
    expect((api.server.engine.store.db.prepare(`SELECT COUNT(*) AS n FROM dossier`).get() as { n: number }).n).to.equal(before);
  });

  it("should limit submissions per e-mail address (429), and answer an unpublished page 404", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await quote("denise.d@example.fr", "Delta")).status);
    expect(statuses).to.deep.equal([201, 201, 201, 429]);
    expect((await visitorClient(api.base).call("GET", "/p/nope/form")).status).to.equal(404);
    expect((await visitorClient(api.base).call("POST", "/p/nope/submit", new FormData())).status).to.equal(404);
  });

  it("should journal every portal action with the party as actor", async () => {
    const form = new FormData();
    form.append("values", JSON.stringify({ candidateComment: "photo jointe" }));
    form.append("file:certificates", new Blob([pdf("Photo de la fuite")]), "fuite.pdf");
    const done = await a.visitor.call("POST", `/portail/api/tasks/${a.taskKey}`, form);
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect((await a.visitor.call("PATCH", "/portail/api/profile", { phone: "+33 6 98 76 54 32" })).status).to.equal(200);
    const journal = (await api.call("GET", `/api/dossiers/${a.reference}/journal?limit=200`)).body.items as Array<{ action: string; actor: string | null }>;
    const actorOf = (action: string) => journal.filter((e) => e.action === action).map((e) => e.actor);
    const me = `portal:${a.partyId}`;
    for (const action of ["portal.form.submitted", "portal.message", "portal.task.completed", "portal.profile.changed", "portal.account.created", "document.added"]) {
      expect(actorOf(action), action).to.include(me);
    }
    // the used link is refused now (used up), its task page too
    expect((await visitorClient(api.base).call("GET", `/portail/api/link/${a.token}`)).status).to.equal(410);
    expect((await a.visitor.call("GET", `/portail/api/tasks/${a.taskKey}`)).status).to.equal(409);
    expect(linkedDossier(api.server.domain, Number(api.server.engine.store.userTask(Number(a.taskKey))!.processInstanceKey))?.id).to.equal(a.dossierId);
  });

  it("should show an agent's answer in the customer's thread and mail the customer a notice", async () => {
    const answer = await api.call("POST", `/api/dossiers/${a.reference}/portal/messages`, { as: "agent", body: { text: "Bonjour, un technicien passe jeudi." } });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    const notice = await until("the notice", () => mails.find((m) => m.purpose === "portal.answer" && m.dossierId === a.dossierId));
    expect(notice.to).to.deep.equal([{ partyId: a.partyId }]);
    expect(notice.text).to.include(`/portail/dossiers/${a.reference}`);
    const thread = (await a.visitor.call("GET", `/portail/api/dossiers/${a.reference}`)).body.messages;
    expect(thread.map((m: { from: string; text: string }) => [m.from, m.text])).to.deep.equal([["me", "Bonjour, ici Alpha"], ["team", "Bonjour, un technicien passe jeudi."]]);
    // the 360° view's exchanges list it too
    const exchanges = (await api.call("GET", `/api/dossiers/${a.reference}/journal?exchanges=true`, { as: "agent" })).status;
    expect(exchanges).to.equal(200);
  });

  it("should offer a fresh link for an expired one, sent to the address on file", async () => {
    const { engine } = api.server;
    await engine.pinClock(engine.clock.now() + 3 * 86_400_000); // past P2D
    try {
      const opened = await visitorClient(api.base).call("GET", `/portail/api/link/${b.token}`);
      expect(opened.status).to.equal(410);
      expect(opened.body).to.deep.equal({ linkState: "expired", canResend: true });
      const before = mails.length;
      expect((await visitorClient(api.base).call("POST", `/portail/api/link/${b.token}/resend`, { email: "attaquant@evil.example" })).status).to.equal(202);
      const fresh = mails.slice(before).find((m) => m.purpose === "portal.link");
      expect(fresh?.to).to.deep.equal([{ partyId: b.partyId }]);
      const token = linkIn(fresh!.text);
      expect((await visitorClient(api.base).call("GET", `/portail/api/link/${token}`)).status).to.equal(200);
      // the old one now says revoked and offers nothing more
      expect((await visitorClient(api.base).call("GET", `/portail/api/link/${b.token}`)).body.canResend).to.equal(false);
    } finally {
      await engine.resetClock();
    }
  });
});
