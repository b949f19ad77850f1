/**
 * Child process of crash.test.ts: opens the database in DIR (synchronous FULL), uploads a PDF to
 * dossier CLI-1 and is SIGKILLed at the moment MODE names: `in-transaction` (files durable, rows
 * not committed: the listener of document.received kills the process inside the transaction) or
 * `after-commit` (right after the upload was acknowledged). Prints `sha <hex>` before the upload
 * and `acked <documentId>` after it.
 */
import { Engine } from "../../src/engine/engine.js";
import { openDatabase } from "../../src/persistence/data-source.js";
import { DocumentLibrary } from "../../src/documents/library.js";
import { DossierEvents } from "../../src/dossiers/events.js";
import { Journal } from "../../src/dossiers/journal.js";
import { dossierById } from "../../src/dossiers/rows.js";
import { pdf } from "./fixtures.js";

const [dir, mode, text] = process.argv.slice(2) as [string, "in-transaction" | "after-commit", string];
const { db } = await openDatabase({ path: `${dir}/engine.sqlite`, synchronous: "FULL" });
const engine = await new Engine({ db, schedulerInterval: 0 }).start();
const events = new DossierEvents();
if (mode === "in-transaction") events.on(() => process.kill(process.pid, "SIGKILL"));
const library = new DocumentLibrary({ db, engine, dataDir: dir, journal: new Journal(db), events, now: () => Date.now(), documentTypesOf: () => [] });
const id = db.prepare(`SELECT id FROM dossier WHERE reference = 'CLI-1'`).get() as { id: number };
const temp = await library.stage(pdf([text]), "crash.pdf");
process.stdout.write(`sha ${temp.sha256}\n`);
const [view] = await library.add({ dossier: dossierById(db, id.id)!, files: [temp], actor: "agent" });
process.stdout.write(`acked ${view!.id}\n`);
process.kill(process.pid, "SIGKILL");
