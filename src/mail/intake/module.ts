/**
 * The mail intake module: IMAP mailboxes (UI or MAIL_IMAP_URL), the drop folder DATA_DIR/mail/inbox/,
 * .eml uploads; each mail taken in exactly once, threaded into its dossier or routed by rules,
 * quarantined otherwise (see docs/mail-intake.md).
 */
import type { CapabilityModule, ModuleContext } from "../../modules.js";
import type { SentMailLedger } from "../api.js";
import { intakeRouter } from "./api.js";
import { loadIntakeConfig } from "./config.js";
import { SecretBox } from "./secret.js";
import { DEMO_RULE_TYPE, seedIntakeRule } from "./seed.js";
import { IntakeService } from "./service.js";

export async function createMailIntakeModule(ctx: ModuleContext, deps: { sent: SentMailLedger }): Promise<{ module: CapabilityModule; service: IntakeService }> {
  const config = loadIntakeConfig(ctx.env);
  const secrets = SecretBox.load(ctx.config.dataDir, config.secretKey);
  const service = new IntakeService({ domain: ctx.domain, sent: deps.sent, config, dataDir: ctx.config.dataDir, secrets, log: ctx.log });
  return {
    service,
    module: {
      name: "mail-intake",
      apiRouters: [intakeRouter(service, ctx.db, config.maxBytes)],
      async start() {
        if (await seedIntakeRule(ctx.engine, service.store, config.intakeAddress, !!ctx.domain.types.get(DEMO_RULE_TYPE))) {
          ctx.log(`mail intake: demo rule seeded (mails to ${config.intakeAddress} or in the drop folder open a '${DEMO_RULE_TYPE}' dossier)`);
        }
        await service.start();
      },
      async stop() {
        await service.stop();
      },
    },
  };
}
