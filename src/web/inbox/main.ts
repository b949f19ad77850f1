/** The agents' task inbox: entry point of /inbox (bundled into public/build/inbox.js). */
import { showError, startPage } from "../shared/shell.js";
import "./texts.js";
import "./inbox.css";
import { InboxPage } from "./page.js";

try {
  const { session, main } = await startPage("inbox");
  await new InboxPage(session, main).start();
} catch (error) {
  if (!(error instanceof Error && error.message === "not signed in")) showError(error);
}
