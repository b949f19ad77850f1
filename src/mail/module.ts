/**
 * The mail sending module: the outbox (mails recorded in the caller's transaction), the sender
 * (SMTP when MAIL_SMTP_URL is set, else the outbox folder DATA_DIR/mail/outbox/), the SMS outbox
 * and its gateway (SMS_HTTP_URL, else the development gateway), the `mail.send` and `sms.send`
 * workers, the ledger the intake threads replies and bounces with, and the /api routes of the
 * "Courrier" page and the 360° view's compose (docs/mail.md).
 */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { TemplateRenderer } from "../templates/api.js";
import type { JobWorker } from "../engine/workers.js";
import { startMailSendWorker } from "../connectors/mail-send.js";
import { startSmsSendWorker } from "../connectors/sms-send.js";
import type { Outbox, SentMailLedger, SmsOutbox } from "./api.js";
import { loadMailSettings, type MailSettings } from "./config.js";
import { legalLine, OrganisationSettings } from "../templates/organisation.js";
import { MailLedger } from "./ledger.js";
import { MailOutbox } from "./outbox.js";
import { mailRouter } from "./routes.js";
import { MailSender } from "./sender.js";
import { DevSmsGateway, HttpSmsGateway, Sms } from "./sms.js";
import { FolderTransport, SmtpTransport, type MailTransport } from "./transport.js";

export interface MailModuleOptions {
  /** Overrides the transport (tests, bench). */
  transport?: MailTransport;
  /** false: the workers are not started (a caller runs them). */
  workers?: boolean;
}

export async function createMailModule(
  ctx: ModuleContext,
  deps: { templates: TemplateRenderer },
  options: MailModuleOptions = {},
): Promise<{ module: CapabilityModule; outbox: Outbox & MailOutbox; sms: SmsOutbox & Sms; sent: SentMailLedger & MailLedger; sender: MailSender; settings: MailSettings }> {
  const settings = loadMailSettings(ctx.env, ctx.config.dataDir);
  const transport = options.transport ?? (settings.smtpUrl ? new SmtpTransport(settings.smtpUrl) : new FolderTransport(settings.outboxDir));
  const { db, engine, domain, log } = ctx;
  const sender = new MailSender({ db, engine, domain, settings, transport, log });
  const wake = () => sender.wake();
  const organisationSettings = new OrganisationSettings(db, engine, ctx.env);
  const organisation = () => {
    const o = organisationSettings.get();
    return { ...o, address: [o.street, [o.postcode, o.city].filter(Boolean).join(" ")].filter(Boolean).join(", ") || null, legal: legalLine(o) || null };
  };
  const outbox = new MailOutbox({ db, domain, settings, templates: deps.templates, publicUrl: ctx.publicUrl, organisation, wake });
  const ledger = new MailLedger(db, domain.journal, (id, status) => sender.events.emit("settled", id, status));
  const sms = new Sms({ db, engine, domain, settings, gateway: settings.sms.http ? new HttpSmsGateway(settings.sms.http) : new DevSmsGateway(), log });
  let stopping = false;
  const workers: JobWorker[] = [];
  const module: CapabilityModule = {
    name: "mail",
    apiRouters: [mailRouter({ db, engine, domain, outbox, ledger, templates: deps.templates, wake, revealSensitive: transport.kind === "folder" })],
    async start() {
      stopping = false;
      sender.start();
      sms.start();
      if (options.workers !== false) {
        workers.push(startMailSendWorker({ engine, domain, outbox, ledger, events: sender.events, stopping: () => stopping }));
        workers.push(startSmsSendWorker({ engine, domain, sms, stopping: () => stopping }));
      }
      log(`mail: sending ${settings.smtpUrl ? `through ${new URL(settings.smtpUrl).host}` : `to the outbox folder ${settings.outboxDir}`}, SMS ${settings.sms.http ? `through ${new URL(settings.sms.http.url).host}` : "to the development gateway"}`);
    },
    async stop() {
      stopping = true;
      // Jobs waiting for a delivery hand their job back (no retry spent) so that the workers can close.
      sender.events.emit("stopping");
      sms.events.emit("stopping");
      await Promise.all(workers.splice(0).map((w) => w.close()));
      await sender.stop();
      await sms.stop();
    },
  };
  return { module, outbox, sms, sent: ledger, sender, settings };
}
