/**
 * The intake's tabs of the /mail page, registered in the page's tab registry (tabs.ts): received
 * mails, quarantine, mailboxes (mail.manage) and rules. main.ts imports this file once.
 */
import { t } from "../shared/i18n.js";
import "./intake-texts.js";
import "./intake.css";
import { renderMailboxes } from "./intake-mailboxes.js";
import { renderReceived } from "./intake-received.js";
import { renderRules } from "./intake-rules.js";
import { registerTab } from "./tabs.js";

registerTab({ id: "recus", label: () => t("intake.tab.received"), permission: "mail.read", order: 30, render: (host, session) => renderReceived(host, session) });
registerTab({ id: "quarantaine", label: () => t("intake.tab.quarantine"), permission: "mail.read", order: 31, render: (host, session) => renderReceived(host, session, "quarantined") });
registerTab({ id: "boites", label: () => t("intake.tab.mailboxes"), permission: "mail.manage", order: 32, render: (host, session) => renderMailboxes(host, session) });
registerTab({ id: "regles", label: () => t("intake.tab.rules"), permission: "mail.read", order: 33, render: (host, session) => renderRules(host, session) });
