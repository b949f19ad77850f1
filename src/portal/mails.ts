/**
 * The portal's mails, in the person's language: the link to a task's private page, a fresh link,
 * the sign-in code, the confirmation of a public form, the notice of an answer. Plain text and a
 * small HTML version; links are absolute (PUBLIC_URL).
 */
export type Locale = "fr" | "en";

export interface MailText { subject: string; text: string; html: string }

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function compose(subject: string, lines: string[], link?: { href: string; label: string }): MailText {
  const text = [...lines, ...(link ? ["", `${link.label} : ${link.href}`] : [])].join("\n");
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${lines.map((l) => (l === "" ? "" : `<p>${escape(l)}</p>`)).join("")}${
    link ? `<p><a href="${escape(link.href)}" style="display:inline-block;padding:10px 16px;background:#1f5fbf;color:#fff;text-decoration:none;border-radius:6px">${escape(link.label)}</a></p><p style="color:#666;font-size:12px">${escape(link.href)}</p>` : ""
  }</body></html>`;
  return { subject, text, html };
}

const dateIn = (locale: Locale, ms: number) => new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Paris" }).format(new Date(ms));

export function taskLinkMail(locale: Locale, input: { name: string; taskName: string; reference: string; href: string; expiresAt: number; reminder?: boolean }): MailText {
  if (locale === "en") {
    return compose(`${input.reminder ? "Reminder: " : ""}${input.taskName} — file ${input.reference}`, [
      `Hello ${input.name},`, "", `We need a few details from you for your file ${input.reference}: « ${input.taskName} ».`,
      `This personal link is valid until ${dateIn(locale, input.expiresAt)}. Do not share it.`,
    ], { href: input.href, label: "Open my page" });
  }
  return compose(`${input.reminder ? "Rappel : " : ""}${input.taskName} — dossier ${input.reference}`, [
    `Bonjour ${input.name},`, "", `Nous avons besoin de quelques éléments de votre part pour votre dossier ${input.reference} : « ${input.taskName} ».`,
    `Ce lien personnel est valable jusqu'au ${dateIn(locale, input.expiresAt)}. Ne le transmettez pas.`,
  ], { href: input.href, label: "Ouvrir ma page" });
}

/** The code is in the body only: a subject is listed, stored and shown on lock screens (security review 2026-12-08). */
export function codeMail(locale: Locale, input: { name: string; code: string }): MailText {
  if (locale === "en") {
    return compose("Your sign-in code", [`Hello ${input.name},`, "", `Your code to sign in to your customer space is ${input.code}.`, "It is valid for 10 minutes. If you did not ask for it, ignore this mail."]);
  }
  return compose("Votre code de connexion", [`Bonjour ${input.name},`, "", `Votre code pour vous connecter à votre espace client est ${input.code}.`, "Il est valable 10 minutes. Si vous ne l'avez pas demandé, ignorez ce message."]);
}

export function confirmationMail(locale: Locale, input: { name: string; pageTitle: string; reference: string; confirmation: string | null; href: string }): MailText {
  if (locale === "en") {
    return compose(`We received your request — ${input.reference}`, [
      `Hello ${input.name},`, "", `Thank you: we received your request « ${input.pageTitle} ». Its reference is ${input.reference}.`, ...(input.confirmation ? [input.confirmation] : []),
      "You can follow it in your customer space: sign in with this e-mail address, a code will be sent to you.",
    ], { href: input.href, label: "My customer space" });
  }
  return compose(`Nous avons bien reçu votre demande — ${input.reference}`, [
    `Bonjour ${input.name},`, "", `Merci : nous avons bien reçu votre demande « ${input.pageTitle} ». Sa référence est ${input.reference}.`, ...(input.confirmation ? [input.confirmation] : []),
    "Vous pouvez la suivre dans votre espace client : connectez-vous avec cette adresse e-mail, un code vous sera envoyé.",
  ], { href: input.href, label: "Mon espace client" });
}

export function answerMail(locale: Locale, input: { name: string; reference: string; href: string }): MailText {
  if (locale === "en") {
    return compose(`New message about your file ${input.reference}`, [`Hello ${input.name},`, "", `Our team answered you about your file ${input.reference}. Read the message in your customer space.`], { href: input.href, label: "Read the message" });
  }
  return compose(`Nouveau message concernant votre dossier ${input.reference}`, [`Bonjour ${input.name},`, "", `Notre équipe vous a répondu au sujet de votre dossier ${input.reference}. Lisez le message dans votre espace client.`], { href: input.href, label: "Lire le message" });
}
