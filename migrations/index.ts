// Every migration, in order. Migrations are never edited once landed: add a new one.
import { EngineCore1795363954475 } from "./1795363954475-EngineCore.js";
import { EngineEvents1795365818265 } from "./1795365818265-EngineEvents.js";
import { Identity1795365864143 } from "./1795365864143-Identity.js";
import { Dossiers1796000000000 } from "./1796000000000-Dossiers.js";
import { Parties1796000100000 } from "./1796000100000-Parties.js";
import { Documents1796000200000 } from "./1796000200000-Documents.js";
import { SearchProjections1796100000000 } from "./1796100000000-SearchProjections.js";
import { InboxProjection1796100000001 } from "./1796100000001-InboxProjection.js";

export const MIGRATIONS: Function[] = [EngineCore1795363954475, EngineEvents1795365818265, Identity1795365864143, Dossiers1796000000000, Parties1796000100000, Documents1796000200000, SearchProjections1796100000000, InboxProjection1796100000001];
