/**
 * The portal's invoices (bundled into public/build/portal-invoices.js): /portail/factures (the list,
 * the account statement, the preferred channel), /portail/factures/<id> (one invoice: its history,
 * download, contest, plan a payment, ask for a credit note) and /portail/factures/lien/<token> (the
 * invoice of a mail's personal link, read-only).
 */
import "../portal/texts.js";
import { h } from "../shared/dom.js";
import { lang, register, t } from "../shared/i18n.js";
import { call, PortalProblem, session } from "../portal/client.js";
import { frame, problem, section } from "../portal/frame.js";

register({
  fr: {
    "pi.title": "Mes factures", "pi.balance": "Solde de votre compte : {amount}", "pi.statement": "Télécharger mon relevé de compte (PDF)",
    "pi.channel": "Recevoir mes factures par", "pi.channel.email": "E-mail", "pi.channel.post": "Courrier", "pi.channel.portal": "Espace client uniquement", "pi.channel.einvoicing": "Facturation électronique",
    "pi.save": "Enregistrer", "pi.saved": "Enregistré.", "pi.none": "Aucune facture.", "pi.number": "Facture", "pi.due": "Échéance", "pi.amount": "Montant", "pi.balanceCol": "Reste dû",
    "pi.status": "État", "pi.download": "Télécharger la facture (PDF)", "pi.history": "Historique", "pi.contest": "Contester cette facture", "pi.reason": "Motif",
    "pi.message": "Votre message", "pi.send": "Envoyer", "pi.plan": "Planifier le paiement", "pi.date": "Date de paiement", "pi.credit": "Demander un avoir",
    "pi.back": "← Mes factures", "pi.sent": "Envoyée", "pi.reminder": "Relance niveau {level}", "pi.paid": "Paiement reçu", "pi.promise": "Paiement prévu le {date}",
    "pi.dispute": "Contestation", "pi.overdue": "échue", "pi.signin": "Se connecter à mon espace client", "pi.thanks": "Merci, votre demande est enregistrée.",
  },
  en: {
    "pi.title": "My invoices", "pi.balance": "Your account balance: {amount}", "pi.statement": "Download my account statement (PDF)",
    "pi.channel": "Receive my invoices by", "pi.channel.email": "E-mail", "pi.channel.post": "Post", "pi.channel.portal": "Customer area only", "pi.channel.einvoicing": "E-invoicing",
    "pi.save": "Save", "pi.saved": "Saved.", "pi.none": "No invoice.", "pi.number": "Invoice", "pi.due": "Due", "pi.amount": "Amount", "pi.balanceCol": "Balance",
    "pi.status": "Status", "pi.download": "Download the invoice (PDF)", "pi.history": "History", "pi.contest": "Contest this invoice", "pi.reason": "Reason",
    "pi.message": "Your message", "pi.send": "Send", "pi.plan": "Plan the payment", "pi.date": "Payment date", "pi.credit": "Ask for a credit note",
    "pi.back": "← My invoices", "pi.sent": "Sent", "pi.reminder": "Reminder level {level}", "pi.paid": "Payment received", "pi.promise": "Payment planned on {date}",
    "pi.dispute": "Dispute", "pi.overdue": "overdue", "pi.signin": "Sign in to my customer area", "pi.thanks": "Thank you, your request is recorded.",
  },
});

const day = (d: string | null | undefined) => (d ? d.split("-").reverse().join("/") : "");

function historyOf(inv: any): HTMLElement {
  const events: Array<[string, string]> = [
    ...inv.sends.map((s: any) => [new Date(s.at).toISOString().slice(0, 10), `${t("pi.sent")} (${s.channel})`] as [string, string]),
    ...inv.reminders.map((r: any) => [r.onDate, t("pi.reminder", { level: r.level })] as [string, string]),
    ...inv.payments.map((p: any) => [p.receivedOn, `${t("pi.paid")} : ${p.amountText}`] as [string, string]),
    ...inv.promises.map((p: any) => [p.promisedOn, t("pi.promise", { date: day(p.promisedOn) })] as [string, string]),
    ...inv.disputes.map((d: any) => [d.openedOn, `${t("pi.dispute")} : ${d.message ?? d.reason ?? ""}`] as [string, string]),
  ].sort((a, b) => a[0].localeCompare(b[0]));
  return h("ul", { class: "portal-notes", "data-testid": "invoice-history" }, ...events.map(([d, text]) => h("li", {}, h("time", {}, day(d)), " ", text)));
}

async function list(main: HTMLElement) {
  const data = await call<any>("GET", "/portail/factures/api");
  const channel = h("select", { name: "channel" }, ...data.channels.map((c: string) => h("option", { value: c, selected: data.preferredChannel === c }, t(`pi.channel.${c}`))));
  const note = h("span", { class: "muted" });
  main.append(h("h1", {}, t("pi.title")),
    section(t("pi.balance", { amount: data.balanceText }),
      data.items.length ? h("table", { class: "portal-table", "data-testid": "invoices" }, h("thead", {}, h("tr", {}, ...["pi.number", "pi.due", "pi.amount", "pi.balanceCol", "pi.status"].map((k) => h("th", {}, t(k))))),
        h("tbody", {}, ...data.items.map((i: any) => h("tr", {}, h("td", {}, h("a", { href: `/portail/factures/${i.id}` }, i.number)), h("td", {}, day(i.dueDate), i.overdue ? ` (${t("pi.overdue")})` : ""), h("td", {}, i.grossText), h("td", {}, i.balanceText), h("td", {}, h("span", { class: "badge" }, i.statusText))))))
        : h("p", { class: "muted" }, t("pi.none")),
      h("p", {}, h("a", { href: "/portail/factures/api/statement.pdf", class: "button" }, t("pi.statement")))),
    section(t("pi.channel"), h("p", {}, channel, " ", h("button", { type: "button", onclick: async () => { await call("PUT", "/portail/factures/api/channel", { channel: channel.value }); note.textContent = t("pi.saved"); } }, t("pi.save")), " ", note)));
}

async function one(main: HTMLElement, id: string) {
  const inv = await call<any>("GET", `/portail/factures/api/${encodeURIComponent(id)}`);
  const reason = h("select", { name: "reason" }, ...inv.reasons.map((r: any) => h("option", { value: r.id }, r.label)));
  const message = h("textarea", { name: "message", rows: "3" });
  const date = h("input", { type: "date", name: "promisedOn" });
  const creditMessage = h("textarea", { name: "creditMessage", rows: "2" });
  const done = async (path: string, body: unknown) => {
    try {
      await call("POST", path, body);
      main.replaceChildren();
      main.append(h("p", { class: "portal-done", role: "status" }, t("pi.thanks")));
      await one(main, id);
    } catch (e) {
      problem(main, e);
    }
  };
  main.append(h("p", {}, h("a", { href: "/portail/factures" }, t("pi.back"))), h("h1", {}, `${t("pi.number")} ${inv.number}`),
    h("p", {}, `${inv.grossText} · ${t("pi.due")} ${day(inv.dueDate)} · `, h("span", { class: "badge", "data-testid": "status" }, inv.statusText), ` · ${t("pi.balanceCol")} ${inv.balanceText}`),
    inv.hasPdf ? h("p", {}, h("a", { href: `/portail/factures/api/${inv.id}/pdf`, class: "button" }, t("pi.download"))) : "",
    section(t("pi.history"), historyOf(inv)),
    inv.balanceCents > 0 ? section(t("pi.plan"), h("p", {}, h("label", {}, t("pi.date"), " ", date), " ", h("button", { type: "button", "data-action": "promise", onclick: () => void done(`/portail/factures/api/${inv.id}/promise`, { promisedOn: date.value }) }, t("pi.send")))) : "",
    inv.balanceCents > 0 && inv.status !== "disputed" ? section(t("pi.contest"), h("p", {}, h("label", {}, t("pi.reason"), " ", reason)), h("p", {}, h("label", {}, t("pi.message"), h("br", {}), message)),
      h("button", { type: "button", class: "primary", "data-action": "contest", onclick: () => void done(`/portail/factures/api/${inv.id}/contest`, { reason: reason.value, message: message.value }) }, t("pi.send"))) : "",
    section(t("pi.credit"), h("p", {}, creditMessage), h("button", { type: "button", "data-action": "credit", onclick: () => void done(`/portail/factures/api/${inv.id}/credit-note`, { message: creditMessage.value }) }, t("pi.send"))));
}

async function byLink(main: HTMLElement, token: string) {
  const data = await call<any>("GET", `/portail/factures/api/lien/${encodeURIComponent(token)}`);
  const inv = data.invoice;
  main.append(h("h1", {}, `${t("pi.number")} ${inv.number}`), h("p", {}, data.customer),
    h("p", {}, `${inv.grossText} · ${t("pi.due")} ${day(inv.dueDate)} · `, h("span", { class: "badge" }, inv.statusText), ` · ${t("pi.balanceCol")} ${inv.balanceText}`),
    inv.hasPdf ? h("p", {}, h("a", { href: `/portail/factures/api/lien/${encodeURIComponent(token)}/pdf`, class: "button" }, t("pi.download"))) : "",
    section(t("pi.history"), historyOf(inv)),
    h("p", {}, h("a", { href: data.signIn, class: "button primary" }, t("pi.signin"))));
}

const path = location.pathname.replace(/\/+$/, "");
const linkMatch = /^\/portail\/factures\/lien\/([A-Za-z0-9_-]{43})$/.exec(path);
try {
  const who = linkMatch ? null : await session();
  const main = frame(!!who, t("pi.title"));
  document.documentElement.lang = lang();
  try {
    if (linkMatch) await byLink(main, linkMatch[1]!);
    else if (!who) location.assign("/portail/connexion");
    else if (path === "/portail/factures") await list(main);
    else await one(main, path.split("/").pop()!);
  } catch (e) {
    if (e instanceof PortalProblem && e.status === 401) location.assign("/portail/connexion");
    else problem(main, e);
  }
} catch (e) {
  document.body.textContent = String(e);
}
