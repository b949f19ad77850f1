/**
 * Business events and time: POST /messages/publication (buffered for timeToLive ms),
 * POST /messages/correlation (404 when no instance waits for it), POST /signals/broadcast,
 * PUT /clock {timestamp} and POST /clock/reset (due timers fire at once).
 */
import { Router } from "express";
import { allow } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { body, checkTenant, optInt, optString, optVariables, reqInt, reqString, TENANT, wireKey } from "./wire.js";

export function eventRoutes({ engine }: V2Context): Router {
  const router = Router();

  router.post("/messages/publication", allow("events.publish"), async (req, res) => {
    const b = body(req);
    checkTenant(b);
    const messageId = optString(b, "messageId");
    const published = await engine.publishMessage({
      name: reqString(b, "name"), correlationKey: optString(b, "correlationKey") ?? "", timeToLive: optInt(b, "timeToLive", 0) ?? 0,
      variables: optVariables(b) ?? {}, ...(messageId ? { messageId } : {}),
    });
    res.json({ messageKey: wireKey(published.messageKey), tenantId: TENANT });
  });

  router.post("/messages/correlation", allow("events.publish"), async (req, res) => {
    const b = body(req);
    checkTenant(b);
    const correlated = await engine.correlateMessage({ name: reqString(b, "name"), correlationKey: optString(b, "correlationKey") ?? "", variables: optVariables(b) ?? {} });
    res.json({ messageKey: wireKey(correlated.messageKey), processInstanceKey: wireKey(correlated.processInstanceKey), tenantId: TENANT });
  });

  router.post("/signals/broadcast", allow("events.publish"), async (req, res) => {
    const b = body(req);
    checkTenant(b);
    const { signalKey } = await engine.broadcastSignal(reqString(b, "signalName"), optVariables(b) ?? {});
    res.json({ signalKey: wireKey(signalKey), tenantId: TENANT });
  });

  router.put("/clock", allow("clock.manage"), async (req, res) => {
    await engine.pinClock(reqInt(body(req), "timestamp", 0));
    res.status(204).end();
  });

  router.post("/clock/reset", allow("clock.manage"), async (_req, res) => {
    await engine.resetClock();
    res.status(204).end();
  });

  return router;
}
