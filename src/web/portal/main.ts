/**
 * The pages for people outside the company, one bundle routed by path: the public form
 * (/p/<slug>), a task's private page by link (/portail/tache/<token>) or from the portal
 * (/portail/taches/<key>), the sign-in (/portail/connexion), the portal's home (/portail), a
 * dossier (/portail/dossiers/<reference>) with its message thread, and the profile.
 */
import "./texts.js";
import "./portal.css";
import { h } from "../shared/dom.js";
import { lang, t } from "../shared/i18n.js";
import { call, PortalProblem, session } from "./client.js";
import { formBlock } from "./forms.js";
import { frame, problem, section, when } from "./frame.js";

const path = location.pathname;

async function publicPage(slug: string) {
  const main = frame(false, t("portal.brand"));
  try {
    const page = await call<{ title: string; intro: string | null; schema: Record<string, unknown> }>("GET", `/p/${encodeURIComponent(slug)}/form`);
    document.title = page.title;
    main.append(h("h1", {}, page.title), ...(page.intro ? [h("p", { class: "portal-intro" }, page.intro)] : []));
    main.append(await formBlock(page.schema, {}, async (body) => {
      try {
        const done = await call<{ message: string; reference: string | null }>("POST", `/p/${encodeURIComponent(slug)}/submit`, body);
        main.replaceChildren(h("section", { class: "portal-card portal-done", "data-testid": "confirmation" }, h("h1", {}, t("portal.public.thanks")), h("p", {}, done.message),
          done.reference ? h("p", {}, t("portal.public.reference", { reference: done.reference })) : null));
        window.scrollTo(0, 0);
      } catch (error) {
        problem(main, error);
      }
    }, { honeypot: true }));
  } catch (error) {
    problem(main, error);
  }
}

function thanks(main: HTMLElement) {
  main.replaceChildren(h("section", { class: "portal-card portal-done", "data-testid": "task-done" }, h("h1", {}, t("portal.task.thanks")), h("p", {}, t("portal.task.next")),
    h("p", {}, h("a", { href: "/portail", class: "button" }, t("portal.home")))));
  window.scrollTo(0, 0);
}

type TaskView = { task: { id: string; name: string }; schema: Record<string, unknown>; data: Record<string, unknown>; dossier: { reference: string; title: string; type: string }; notes: Array<{ at: number; text: string }>; documents: Array<{ id: number; filename: string }> };

async function showTask(main: HTMLElement, view: TaskView) {
  document.title = view.task.name;
  main.append(...[
    h("p", { class: "portal-crumb" }, `${view.dossier.type} · ${view.dossier.reference}`),
    h("h1", {}, view.task.name),
    h("p", { class: "portal-intro" }, view.dossier.title),
    view.notes.length ? section(t("portal.notes"), h("ul", { class: "portal-notes" }, ...view.notes.map((n) => h("li", {}, h("time", {}, when(n.at)), " ", n.text)))) : null,
    view.documents.length ? section(t("portal.documents"), h("ul", {}, ...view.documents.map((d) => h("li", {}, h("a", { href: `/portail/api/dossiers/${encodeURIComponent(view.dossier.reference)}/documents/${d.id}` }, d.filename))))) : null,
  ].filter((n): n is HTMLElement => n !== null));
  main.append(await formBlock(view.schema, view.data, async (body) => {
    try {
      await call("POST", `/portail/api/tasks/${view.task.id}`, body);
      thanks(main);
    } catch (error) {
      problem(main, error);
    }
  }));
}

async function taskByLink(token: string) {
  const main = frame(false, t("portal.brand"));
  try {
    const opened = await call<{ view: TaskView }>("GET", `/portail/api/link/${encodeURIComponent(token)}`);
    frame(true, t("portal.brand")).replaceWith(main);
    main.replaceChildren();
    await showTask(main, opened.view);
  } catch (error) {
    if (error instanceof PortalProblem && (error.status === 410 || error.status === 409)) {
      const state = error.body?.linkState;
      const card = h("section", { class: "portal-card", "data-testid": "link-state" }, h("h1", {}, state === "expired" ? t("portal.task.expired") : state === "done" ? t("portal.task.done") : t("portal.task.revoked")));
      if (state === "expired" && error.body?.canResend) {
        const resend = h("button", { type: "button", class: "primary", "data-action": "resend" }, t("portal.task.resend"));
        resend.addEventListener("click", async () => {
          resend.disabled = true;
          await call("POST", `/portail/api/link/${encodeURIComponent(token)}/resend`).catch(() => undefined);
          card.append(h("p", { role: "status" }, t("portal.task.resent")));
        });
        card.append(h("p", {}, t("portal.task.expiredHelp")), resend);
      }
      main.append(card);
    } else if (error instanceof PortalProblem && error.status === 404) main.append(h("section", { class: "portal-card" }, h("h1", {}, t("portal.task.invalid"))));
    else problem(main, error);
  }
}

async function signIn() {
  const main = frame(false, t("portal.signin.title"));
  const email = h("input", { type: "email", name: "email", autocomplete: "email", required: true, inputmode: "email" });
  const code = h("input", { type: "text", name: "code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6", pattern: "[0-9]{6}" });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password" });
  const status = h("p", { role: "status", class: "portal-status" });
  const next = new URLSearchParams(location.search).get("next");
  const go = () => location.assign(next && next.startsWith("/portail") ? next : "/portail");
  const codeStep = h("div", { hidden: true }, h("label", {}, t("portal.signin.code"), code),
    h("button", { type: "button", class: "primary", "data-action": "verify", onclick: async () => {
      try { await call("POST", "/portail/api/signin/verify", { email: email.value, code: code.value }); go(); } catch (error) { problem(main, error); }
    } }, t("portal.signin.verify")));
  const passwordStep = h("div", { hidden: true }, h("label", {}, t("portal.signin.password"), password),
    h("button", { type: "button", class: "primary", onclick: async () => {
      try { await call("POST", "/portail/api/signin/password", { email: email.value, password: password.value }); go(); } catch (error) { problem(main, error); }
    } }, t("portal.signin.verify")));
  const getCode = h("button", { type: "button", class: "primary", "data-action": "get-code", onclick: async () => {
    try {
      const answer = await call<{ message: string }>("POST", "/portail/api/signin/code", { email: email.value });
      status.textContent = lang() === "fr" ? answer.message : t("portal.signin.sent");
      codeStep.hidden = false;
      code.focus();
    } catch (error) { problem(main, error); }
  } }, t("portal.signin.getCode"));
  main.append(h("section", { class: "portal-card" }, h("h1", {}, t("portal.signin.title")),
    h("label", {}, t("portal.signin.email"), email), getCode, status, codeStep, passwordStep,
    h("p", {}, h("button", { type: "button", class: "link", onclick: () => { passwordStep.hidden = !passwordStep.hidden; } }, t("portal.signin.withPassword")))));
}

type Item = { id: string; title: string; subtitle?: string; status?: string; href?: string; date?: number; dossierReference?: string };
const sectionsOf = (sections: Array<{ id: string; title: string; items: Item[] }>) => sections.filter((s) => s.items.length).map((s) =>
  section(s.title, h("ul", { class: "portal-list" }, ...s.items.map((i) => h("li", {}, i.href ? h("a", { href: i.href }, i.title) : i.title, i.subtitle ? h("span", { class: "muted" }, ` ${i.subtitle}`) : null, i.status ? h("span", { class: "badge" }, i.status) : null)))));
const tasksOf = (tasks: Array<{ id: string; name: string; dossierReference: string; href: string }>) => tasks.length
  ? h("ul", { class: "portal-list", "data-testid": "tasks" }, ...tasks.map((x) => h("li", {}, h("a", { href: x.href }, x.name), h("span", { class: "muted" }, ` ${x.dossierReference}`))))
  : h("p", { class: "muted" }, t("portal.noTasks"));

async function signedInOr(): Promise<boolean> {
  const s = await session();
  if (!s) location.assign(`/portail/connexion?next=${encodeURIComponent(location.pathname)}`);
  return s !== null;
}

async function home() {
  if (!(await signedInOr())) return;
  const main = frame(true, t("portal.home"));
  try {
    const data = await call<{ name: string; dossiers: Array<{ reference: string; title: string; type: string; state: string; updatedAt: number }>; tasks: any[]; sections: any[] }>("GET", "/portail/api/home");
    main.append(h("h1", {}, data.name),
      section(t("portal.tasks"), tasksOf(data.tasks)),
      section(t("portal.home"), data.dossiers.length ? h("ul", { class: "portal-list", "data-testid": "dossiers" }, ...data.dossiers.map((d) =>
        h("li", {}, h("a", { href: `/portail/dossiers/${encodeURIComponent(d.reference)}` }, d.title), h("span", { class: "muted" }, ` ${d.type} · ${d.reference}`), h("span", { class: "badge" }, d.state))))
        : h("p", { class: "muted" }, t("portal.noDossiers"))),
      ...sectionsOf(data.sections));
  } catch (error) {
    problem(main, error);
  }
}

async function dossierPage(reference: string) {
  if (!(await signedInOr())) return;
  const main = frame(true, t("portal.dossier", { reference }));
  try {
    const d = await call<any>("GET", `/portail/api/dossiers/${encodeURIComponent(reference)}`);
    const thread = h("ol", { class: "portal-thread", "data-testid": "messages" });
    const draw = (messages: Array<{ at: number; text: string; from: string }>) => thread.replaceChildren(...(messages.length ? messages.map((m) =>
      h("li", { class: m.from === "me" ? "mine" : "theirs" }, h("strong", {}, m.from === "me" ? t("portal.message.me") : t("portal.message.team")), " ", h("time", {}, when(m.at)), h("p", {}, m.text))) : [h("li", { class: "muted" }, t("portal.noMessages"))]));
    draw(d.messages);
    const box = h("textarea", { name: "message", rows: "3", placeholder: t("portal.message.placeholder"), maxlength: "5000" });
    main.append(h("p", {}, h("a", { href: "/portail" }, t("portal.back"))), h("p", { class: "portal-crumb" }, `${d.type} · ${d.reference}`), h("h1", {}, d.title), h("p", {}, h("span", { class: "badge" }, d.state)),
      section(t("portal.tasks"), tasksOf(d.tasks)),
      section(t("portal.notes"), d.notes.length ? h("ul", { class: "portal-notes" }, ...d.notes.map((n: any) => h("li", {}, h("time", {}, when(n.at)), " ", n.text))) : h("p", { class: "muted" }, t("portal.noNotes"))),
      section(t("portal.documents"), d.documents.length ? h("ul", { class: "portal-list", "data-testid": "documents" }, ...d.documents.map((x: any) => h("li", {}, h("a", { href: `/portail/api/dossiers/${encodeURIComponent(d.reference)}/documents/${x.id}` }, x.filename)))) : h("p", { class: "muted" }, t("portal.noDocuments"))),
      ...sectionsOf(d.sections),
      section(t("portal.messages"), thread, box, h("button", { type: "button", class: "primary", "data-action": "message", onclick: async () => {
        if (!box.value.trim()) return;
        try { const r = await call<any>("POST", `/portail/api/dossiers/${encodeURIComponent(reference)}/messages`, { text: box.value }); box.value = ""; draw(r.messages); } catch (error) { problem(main, error); }
      } }, t("portal.send"))));
  } catch (error) {
    problem(main, error);
  }
}

async function taskBySession(key: string) {
  if (!(await signedInOr())) return;
  const main = frame(true, t("portal.tasks"));
  try {
    await showTask(main, await call<TaskView>("GET", `/portail/api/tasks/${encodeURIComponent(key)}`));
  } catch (error) {
    if (error instanceof PortalProblem && error.status === 409) main.append(h("section", { class: "portal-card" }, h("h1", {}, t("portal.task.done"))));
    else problem(main, error);
  }
}

async function profilePage() {
  if (!(await signedInOr())) return;
  const main = frame(true, t("portal.profile"));
  try {
    const p = await call<any>("GET", "/portail/api/profile");
    const field = (name: string, label: string, value: string, type = "text") => h("label", {}, label, h("input", { name, type, value }));
    const language = h("select", { name: "language" }, h("option", { value: "fr", selected: p.language !== "en" }, "Français"), h("option", { value: "en", selected: p.language === "en" }, "English"));
    const channel = h("select", { name: "preferredChannel" }, ...["email", "post", "portal"].map((c) => h("option", { value: c, selected: p.preferredChannel === c }, t(`portal.channel.${c}`))));
    const form = h("form", { class: "portal-card", "data-testid": "profile" },
      h("h1", {}, p.name), h("p", {}, `${t("portal.profile.emails")} : ${p.emails.join(", ")}`),
      field("phone", t("portal.profile.phone"), p.phones[0]?.number ?? "", "tel"),
      field("street", t("portal.profile.street"), p.address?.street ?? ""), field("number", t("portal.profile.number"), p.address?.number ?? ""),
      field("postcode", t("portal.profile.postcode"), p.address?.postcode ?? ""), field("city", t("portal.profile.city"), p.address?.city ?? ""),
      h("label", {}, t("portal.profile.language"), language), h("label", {}, t("portal.profile.channel"), channel),
      field("password", t("portal.profile.password"), "", "password"),
      h("button", { type: "submit", class: "primary" }, t("common.save")));
    const status = h("p", { role: "status" });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const v = (n: string) => (form.querySelector(`[name=${n}]`) as HTMLInputElement).value;
      const body: Record<string, unknown> = { version: p.version, phone: v("phone"), address: { street: v("street") || null, number: v("number") || null, postcode: v("postcode") || null, city: v("city") || null, country: p.address?.country ?? "FR" }, language: v("language"), preferredChannel: v("preferredChannel") };
      if (v("password")) body["password"] = v("password");
      try {
        const saved = await call<any>("PATCH", "/portail/api/profile", body);
        p.version = saved.version;
        status.textContent = t("portal.profile.saved");
        localStorage.setItem("dossier.lang", String(v("language")));
      } catch (error) {
        problem(main, error);
      }
    });
    main.append(form, status);
  } catch (error) {
    problem(main, error);
  }
}

let m: RegExpExecArray | null;
if ((m = /^\/p\/([a-z0-9-]+)\/?$/.exec(path))) void publicPage(m[1]!);
else if ((m = /^\/portail\/tache\/([A-Za-z0-9_-]+)$/.exec(path))) void taskByLink(m[1]!);
else if ((m = /^\/portail\/taches\/(\d+)$/.exec(path))) void taskBySession(m[1]!);
else if ((m = /^\/portail\/dossiers\/(.+)$/.exec(path))) void dossierPage(decodeURIComponent(m[1]!));
else if (path === "/portail/connexion") void signIn();
else if (path === "/portail/profil") void profilePage();
else void home();
