/**
 * The customer files (bundled into public/build/dossiers.js):
 *   /dossiers              the lists (saved views per type, filters, columns, sort, export)
 *   /dossiers/new          a new dossier (party found or created on the fly, the call form)
 *   /dossiers/<reference>  the 360° view
 */
import { showError, startPage } from "../shared/shell.js";
import "./texts.js";
import "./dossiers.css";
import { DossierList } from "./list.js";
import { newDossierPage } from "./new.js";
import { DossierView } from "./view.js";

try {
  const { session, main } = await startPage("dossiers");
  const rest = decodeURIComponent(location.pathname.replace(/^\/dossiers\/?/, "").replace(/\/$/, ""));
  if (rest === "") await new DossierList(session, main).start();
  else if (rest === "new") await newDossierPage(session, main);
  else await new DossierView(session, main, rest).start();
} catch (error) {
  if (!(error instanceof Error && error.message === "not signed in")) showError(error);
}
