/** The designer: entry point of /designer (bundled into public/build/designer.js). */
import { showError, startPage } from "../shared/shell.js";
import "./texts.js";
import { DesignerPage } from "./page.js";
// Last, so the page's rules come after the editors' own style sheets.
import "./designer.css";

try {
  const { session, main } = await startPage("designer");
  await new DesignerPage(session, main).start();
} catch (error) {
  if (!(error instanceof Error && error.message === "not signed in")) showError(error);
}
