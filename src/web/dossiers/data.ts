/**
 * The customer-file API as the pages use it (docs/api-dossiers.md): dossier types, dossiers, saved
 * views, parties, documents, journal, actions, search. Shapes follow the contract; fields the pages
 * do not read are left out.
 */
import { api, ApiProblem } from "../shared/api.js";
import { lang } from "../shared/i18n.js";

export type Label = { fr?: string; en?: string } | string | undefined | null;

/** The label in the user's language (French, then English, then the id). */
export function label(value: Label, fallback = ""): string {
  if (!value) return fallback;
  if (typeof value === "string") return value;
  return value[lang()] || value.fr || value.en || fallback;
}

export type FieldType = "text" | "longText" | "number" | "amount" | "date" | "boolean" | "choice" | "multiChoice" | "email" | "phone" | "party" | "document";

export interface FieldDef {
  id: string;
  label: Label;
  type: FieldType;
  options?: Array<{ value: string; label: Label }>;
  required?: boolean;
  requiredInStates?: string[];
  currency?: string;
}

export interface StateDef { id: string; label: Label; initial?: boolean; final?: boolean }
export interface TransitionDef { from: string; to: string; roles?: string[]; label?: Label }
export interface ActionDef { id: string; label: Label; processId: string; condition?: string; roles?: string[]; concurrent?: boolean }
export interface ReactionDef { on: string; to?: string; documentType?: string; start?: string; publish?: string }

export interface TypeDefinition {
  id: string;
  version?: number;
  name: Label;
  referencePattern: string;
  defaultSector?: string;
  fields: FieldDef[];
  partyRoles: Array<{ id: string; label: Label; required?: boolean; multiple?: boolean }>;
  documentTypes: Array<{ id: string; label: Label }>;
  childTypes?: string[];
  states: StateDef[];
  transitions: TransitionDef[];
  deadlines?: Array<{ id: string; field: string; label: Label; remindDaysBefore?: number[] }>;
  catalogue?: { opening?: { processId: string } | null; actions?: ActionDef[]; reactions?: ReactionDef[] };
}

export interface PartySummary { id: number | string; kind?: string; name: string; email?: string | null; phone?: string | null; city?: string | null }

export interface DossierSummary {
  reference: string;
  type: string;
  typeName?: string;
  title: string;
  state: string;
  stateLabel?: string;
  owner?: string | null;
  sector?: string | null;
  customer?: { id: number | string; name: string } | null;
  data: Record<string, unknown>;
  tags?: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Task { userTaskKey: string; name: string | null; assignee: string | null; candidateGroups?: string[]; processInstanceKey: string; dueDate?: string | null; creationDate?: string }
export interface ProcessLink { processInstanceKey: string; bpmnProcessId: string; name?: string | null; kind: "opening" | "action" | "reaction"; actionId?: string | null; state: string; startDate: string; endDate?: string | null }

export interface Dossier extends DossierSummary {
  typeVersion?: number;
  parent?: { reference: string; title: string; type: string } | null;
  children?: Array<DossierSummary & { documentsCount?: number; tasks?: Task[]; activeProcesses?: number }>;
  parties?: Array<{ role: string; roleLabel?: string; party: PartySummary }>;
  deadlines?: Array<{ id: string; label: Label; date: string; daysLeft: number }>;
  tasks?: Task[];
  processes?: ProcessLink[];
  transitions?: Array<{ to: string; label?: Label }>;
  fieldsMissingFor?: Record<string, string[]>;
}

export interface JournalEntry { seq: number; at: string; actor: string; action: string; summary?: string; before?: unknown; after?: unknown; private?: boolean; hash?: string; data?: Record<string, unknown> }
export interface Verification { valid: boolean; entries: number; firstInvalid?: { seq: number; reason?: string } }
export interface DossierAction { id: string; label: Label; processId: string; available: boolean; reason?: string }
export interface SavedView { id: string | number; name: string; type: string | null; filters: Record<string, string>; columns: string[]; sort: string; shared?: boolean }
export interface DocumentInfo {
  id: number | string; filename: string; title?: string; documentType?: string | null; documentTypeLabel?: Label; mime?: string; mediaType?: string; contentType?: string; size?: number; revision?: number;
  status?: string; statusReason?: string | null; reason?: string | null; createdAt?: string; uploadedAt?: string; uploadedBy?: string; version?: number;
}
export interface SearchResults {
  dossiers: DossierSummary[];
  parties: PartySummary[];
  documents: Array<{ id: number | string; filename: string; documentType?: string; snippet?: string; dossiers: Array<{ reference: string; title: string }> }>;
}
export interface Page<T> { items: T[]; total: number; hasMoreTotalItems?: boolean; page: number; pageSize: number }
export type Problem = { field?: string; elementId?: string; message: string };

const enc = encodeURIComponent;
const ref = (reference: string) => `/api/dossiers/${enc(reference)}`;
/** The server words its labels (states, roles, transitions) in the language asked for. */
const withLang = (path: string) => `${path}${path.includes("?") ? "&" : "?"}lang=${lang()}`;

export async function dossierTypes(): Promise<TypeDefinition[]> {
  return (await api<{ items: TypeDefinition[] }>("GET", "/api/dossier-types")).items;
}
export const dossierType = (id: string) => api<TypeDefinition>("GET", `/api/dossier-types/${enc(id)}`);
export const saveDossierType = (type: TypeDefinition) => api<TypeDefinition>("PUT", `/api/dossier-types/${enc(type.id)}`, type);
export const dossierMeta = () => api<{ sectors: Array<{ id: string; name: string }>; me: { username: string; groups: string[]; roles: string[] } }>("GET", "/api/dossier-meta");

/** `query` is already encoded (field filters such as `f.amount>=1000` keep their operator). */
export const listDossiers = (query: string) => api<Page<DossierSummary>>("GET", withLang(`/api/dossiers?${query}`), undefined, { cache: "no-store" });
/**
 * Never from the HTTP cache: the ETag is the dossier's version, but tasks, processes and children
 * change without a new version, and a revalidation (304) would show them stale.
 */
export const getDossier = (reference: string) => api<Dossier>("GET", withLang(ref(reference)), undefined, { cache: "no-store" });
/**
 * Creates a dossier and its opening process. The Idempotency-Key makes a retry or a double click
 * answer the same dossier instead of opening a second one; api() owns the headers unless given all
 * of them, so they are all given here (the session's CSRF token included).
 */
export function createDossier(body: Record<string, unknown>, idempotencyKey: string, csrfToken?: string) {
  const headers: Record<string, string> = {
    accept: "application/json", "x-requested-with": "XMLHttpRequest", "content-type": "application/json", "idempotency-key": idempotencyKey,
    ...(csrfToken ? { "x-csrf-token": csrfToken } : {}),
  };
  return api<{ reference: string; version: number; processInstanceKey?: string }>("POST", "/api/dossiers", body, { headers });
}
export function patchDossier(reference: string, version: number, body: Record<string, unknown>): Promise<Dossier> {
  // The version goes in the body (the contract's alternative to If-Match): api() owns the headers.
  return api<Dossier>("PATCH", withLang(ref(reference)), { ...body, version });
}
export const changeState = (reference: string, to: string, version: number, comment?: string) =>
  api<Dossier>("POST", withLang(`${ref(reference)}/state`), { to, version, ...(comment ? { comment } : {}) });
export const addNote = (reference: string, text: string, isPublic: boolean) => api("POST", `${ref(reference)}/notes`, { text, public: isPublic });
export const logCall = (reference: string, call: Record<string, unknown>) => api("POST", `${ref(reference)}/calls`, call);
export const journal = (reference: string, kind?: "exchanges", limit = 200, before?: string) =>
  api<{ items: JournalEntry[]; next?: string | null }>("GET", `${ref(reference)}/journal?limit=${limit}${kind ? `&kind=${kind}` : ""}${before ? `&before=${enc(before)}` : ""}`,
    undefined, { cache: "no-store" });
export const verifyJournal = (reference: string) => api<Verification>("GET", `${ref(reference)}/journal/verification`);
export const dossierActions = async (reference: string) => (await api<{ items: DossierAction[] }>("GET", withLang(`${ref(reference)}/actions`), undefined, { cache: "no-store" })).items;
export const startAction = (reference: string, id: string) => api<{ processInstanceKey: string }>("POST", `${ref(reference)}/actions/${enc(id)}`, {});

export const views = async () => (await api<{ items: SavedView[] }>("GET", "/api/dossier-views")).items;
export const saveView = (view: Omit<SavedView, "id">) => api<SavedView>("POST", "/api/dossier-views", view);
export const deleteView = (id: string | number) => api("DELETE", `/api/dossier-views/${enc(String(id))}`);

export const searchParties = async (q: string) => (await api<{ items: PartySummary[] }>("GET", `/api/parties?q=${enc(q)}`)).items;
export const getParty = (id: string | number) => api<PartySummary>("GET", `/api/parties/${enc(String(id))}`);
export const createParty = (party: Record<string, unknown>) => api<PartySummary>("POST", "/api/parties", party);
export async function partyDuplicates(party: Record<string, unknown>): Promise<Array<{ party: PartySummary; reasons: string[] }>> {
  const answer = await api<{ duplicates?: Array<{ party: PartySummary; reasons: string[] }>; items?: Array<{ party: PartySummary; reasons: string[] }> }>("POST", "/api/parties/duplicates", party);
  return answer.duplicates ?? answer.items ?? [];
}

export const documents = async (reference: string) => (await api<{ items: DocumentInfo[] }>("GET", `${ref(reference)}/documents`, undefined, { cache: "no-store" })).items;
export function uploadDocuments(reference: string, files: File[], documentType: string): Promise<unknown> {
  const form = new FormData();
  form.append("documentType", documentType);
  for (const file of files) form.append("file", file, file.name);
  return api("POST", `${ref(reference)}/documents`, form);
}
export const documentUrl = (id: string | number, download = false) => `/api/documents/${enc(String(id))}/content${download ? "?download=1" : ""}`;
export const setDocumentStatus = (id: string | number, status: string, reason?: string) =>
  api("POST", `/api/documents/${enc(String(id))}/status`, { status, ...(reason ? { reason } : {}) });

export const search = (q: string) => api<SearchResults>("GET", withLang(`/api/search?q=${enc(q)}`));

export async function processDefinitions(): Promise<Array<{ id: string; name: string }>> {
  const page = await api<{ items: Array<{ processDefinitionId: string; name: string | null; version: number }> }>("POST", "/v2/process-definitions/search", {
    sort: [{ field: "version", order: "DESC" }], page: { limit: 1000 },
  });
  const byId = new Map<string, { id: string; name: string }>();
  for (const d of page.items) if (!byId.has(d.processDefinitionId)) byId.set(d.processDefinitionId, { id: d.processDefinitionId, name: d.name ?? d.processDefinitionId });
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The validation problems of a 400 (`[{field, message}]`), or []. */
export function problemsOf(error: unknown): Problem[] {
  return error instanceof ApiProblem ? (error.problems as Problem[]) : [];
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiProblem && (error.status === 409 || error.status === 412) && /VERSION/i.test(error.title + error.detail);
}
