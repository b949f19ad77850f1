/**
 * The intake demo rule, seeded once on the first start (a deleted rule stays deleted): a mail to
 * the intake address, or any file of the drop folder, opens a "Demande d'intervention" dossier
 * with the sender as customer (found by e-mail or created as a prospect), the attachments as its
 * documents, and starts its opening process `new-request-intake` with the mail as variables.
 */
import type { Engine } from "../../engine/engine.js";
import type { IntakeStore } from "./store.js";

export const DEMO_RULE_TYPE = "demande-intervention";

export async function seedIntakeRule(engine: Engine, store: IntakeStore, intakeAddress: string, typeExists: boolean): Promise<boolean> {
  if (store.meta("demo-rule-seeded") || !typeExists) return false;
  await engine.transaction((tx) => {
    if (store.meta("demo-rule-seeded")) return;
    store.insertRule({
      name: "Demandes d'intervention reçues par mail",
      enabled: true,
      stop: true,
      definition: {
        match: "any",
        conditions: [
          { field: "recipients", op: "equals", value: intakeAddress },
          { field: "source", op: "equals", value: "drop" },
        ],
        actions: [{ type: "createDossier", dossierType: DEMO_RULE_TYPE, role: "customer", title: "{subject}", startOpening: true }],
      },
    }, null, tx.now, 100);
    store.setMeta("demo-rule-seeded", String(tx.now));
  });
  return true;
}
