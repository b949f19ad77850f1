// Every migration, in order. Migrations are never edited once landed: add a new one.
import { EngineCore1795363954475 } from "./1795363954475-EngineCore.js";
import { EngineEvents1795365818265 } from "./1795365818265-EngineEvents.js";
import { Identity1795365864143 } from "./1795365864143-Identity.js";
import { Dossiers1796000000000 } from "./1796000000000-Dossiers.js";
import { Parties1796000100000 } from "./1796000100000-Parties.js";
import { Documents1796000200000 } from "./1796000200000-Documents.js";
import { SearchProjections1796100000000 } from "./1796100000000-SearchProjections.js";
import { InboxProjection1796100000001 } from "./1796100000001-InboxProjection.js";
import { Links1797000000000 } from "./1797000000000-Links.js";
import { Mail1797000100000 } from "./1797000100000-Mail.js";
import { Templates1797000200000 } from "./1797000200000-Templates.js";
import { Portal1797000300000 } from "./1797000300000-Portal.js";
import { Signature1797000400000 } from "./1797000400000-Signature.js";
import { Archive1797000500000 } from "./1797000500000-Archive.js";
import { Receivables1797000600000 } from "./1797000600000-Receivables.js";
import { MailIntake1797000150000 } from "./1797000150000-MailIntake.js";
import { Insights1797000700000 } from "./1797000700000-Insights.js";
import { Erp1797000800000 } from "./1797000800000-Erp.js";
import { SensitiveMail1797000900000 } from "./1797000900000-SensitiveMail.js";
import { PortalSessionLink1797000910000 } from "./1797000910000-PortalSessionLink.js";

export const MIGRATIONS: Function[] = [EngineCore1795363954475, EngineEvents1795365818265, Identity1795365864143, Dossiers1796000000000, Parties1796000100000, Documents1796000200000, SearchProjections1796100000000, InboxProjection1796100000001, Links1797000000000, Mail1797000100000, MailIntake1797000150000, Templates1797000200000, Portal1797000300000, Signature1797000400000, Archive1797000500000, Receivables1797000600000, Insights1797000700000, Erp1797000800000, SensitiveMail1797000900000, PortalSessionLink1797000910000];
