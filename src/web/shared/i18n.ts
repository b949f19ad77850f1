/**
 * Interface texts in French (default) and English, and locale-aware dates and amounts. Pages add
 * their own keys with `register()`; a missing key shows the key itself (visible, never crashes).
 */
export type Lang = "fr" | "en";
type Dictionary = Record<string, string>;

const dictionaries: Record<Lang, Dictionary> = {
  fr: {
    "app.name": "Dossier", "nav.inbox": "Tâches", "nav.designer": "Modélisation", "nav.operate": "Supervision",
    "nav.mail": "Courrier", "nav.receivables": "Recouvrement", "nav.dashboards": "Tableaux de bord", "nav.archive": "Archives", "nav.templates": "Modèles de documents", "nav.portal-admin": "Pages publiques",
    "nav.logout": "Se déconnecter", "nav.language": "English", "login.title": "Connexion", "login.username": "Identifiant",
    "login.password": "Mot de passe", "login.submit": "Se connecter", "login.failed": "Identifiant ou mot de passe incorrect.",
    "common.loading": "Chargement…", "common.error": "Erreur", "common.save": "Enregistrer", "common.cancel": "Annuler",
    "common.close": "Fermer", "common.search": "Rechercher", "common.none": "Aucun élément", "common.retry": "Réessayer",
  },
  en: {
    "app.name": "Dossier", "nav.inbox": "Tasks", "nav.designer": "Designer", "nav.operate": "Operate",
    "nav.mail": "Mail", "nav.receivables": "Receivables", "nav.dashboards": "Dashboards", "nav.archive": "Archive", "nav.templates": "Templates", "nav.portal-admin": "Public pages",
    "nav.logout": "Sign out", "nav.language": "Français", "login.title": "Sign in", "login.username": "Username",
    "login.password": "Password", "login.submit": "Sign in", "login.failed": "Wrong username or password.",
    "common.loading": "Loading…", "common.error": "Error", "common.save": "Save", "common.cancel": "Cancel",
    "common.close": "Close", "common.search": "Search", "common.none": "Nothing here", "common.retry": "Retry",
  },
};

export function lang(): Lang {
  const stored = localStorage.getItem("dossier.lang");
  if (stored === "fr" || stored === "en") return stored;
  return "fr";
}

export function setLang(value: Lang): void {
  localStorage.setItem("dossier.lang", value);
  document.documentElement.lang = value;
}

/** Adds page-specific texts. */
export function register(texts: Record<Lang, Dictionary>): void {
  Object.assign(dictionaries.fr, texts.fr);
  Object.assign(dictionaries.en, texts.en);
}

export function t(key: string, params: Record<string, string | number> = {}): string {
  const text = dictionaries[lang()][key] ?? dictionaries.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

const locale = () => (lang() === "fr" ? "fr-FR" : "en-GB");

export function formatDate(value: string | number | null | undefined, withTime = true): string {
  if (value === null || value === undefined || value === "") return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(locale(), withTime ? { dateStyle: "short", timeStyle: "short" } : { dateStyle: "short" }).format(date);
}

export function formatAmount(value: number, currency = "EUR"): string {
  return new Intl.NumberFormat(locale(), { style: "currency", currency }).format(value);
}
