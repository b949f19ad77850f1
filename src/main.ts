/**
 * Composition root: config → database → identity (no listening on the network while accounts
 * have guessable passwords) → engine → demo models → HTTP. The only module that knows every other one.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Server } from "node:http";
import { closeApp, createApp } from "./api/app.js";
import { ConfigError, isLoopbackHost, loadConfig, type Config } from "./config.js";
import { PinnableClock } from "./engine/clock.js";
import { Engine } from "./engine/engine.js";
import { bootstrapIdentity, defaultCredentials } from "./identity/bootstrap.js";
import { Identity } from "./identity/identity.js";
import { openDatabase } from "./persistence/data-source.js";
import { startDossierUpdateWorker } from "./connectors/dossier-update.js";
import { seedDemoDossiers } from "./dossiers/demo.js";
import { Domain } from "./dossiers/domain.js";
import { installTypes } from "./dossiers/install.js";
import { createCapabilities } from "./modules.js";

/** Deploys every .bpmn and .form file of a folder as one deployment (unchanged files are no-ops). */
export async function deployFolder(engine: Engine, dir: string) {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.(bpmn|form)$/i.test(n)).sort();
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  return engine.deploy(names.map((name) => ({ name, content: readFileSync(path.join(dir, name)) })));
}

export async function startServer(config: Config, log: (message: string) => void = console.log, env: NodeJS.ProcessEnv = process.env) {
  mkdirSync(config.dataDir, { recursive: true });
  const { dataSource, db } = await openDatabase({ path: config.databasePath, synchronous: config.synchronous });
  const identity = new Identity({ db, sessionIdleMs: config.sessionIdleMs, tokenExpiryDays: config.tokenExpiryDays, log });
  const guessable = isLoopbackHost(config.host) ? [] : await defaultCredentials(identity, config);
  if (guessable.length) {
    await dataSource.destroy();
    throw new ConfigError(
      `HOST: expected a loopback address (127.0.0.1, ::1, localhost) while ${guessable.join(" and ")}, but found '${config.host}'. ` +
        "Start once on 127.0.0.1 and change or delete those accounts, or, with an empty database, set ADMIN_PASSWORD (no demo accounts are then created).",
    );
  }
  const engine = await new Engine({ db, clock: new PinnableClock(), schedulerInterval: config.schedulerInterval, limits: config.limits }).start();
  const deployment = await deployFolder(engine, config.processesDir);
  if (deployment) {
    for (const p of deployment.processes) log(`process ${p.bpmnProcessId} v${p.version}${p.duplicate ? " (unchanged)" : " deployed"} from ${p.resourceName}`);
  }
  const firstStart = identity.store.countUsers() === 0;
  for (const line of await bootstrapIdentity(identity, config)) log(line);
  const domain = await new Domain({ db, engine, dataDir: config.dataDir, uploadLimits: config.documentLimits }).start();
  await installTypes(domain, config.dossierTypesDir, log);
  const dossierWorker = startDossierUpdateWorker(engine, domain);
  let listeningPort = config.port;
  const capabilities = await createCapabilities({
    config, env, db, engine, domain, identity, log,
    publicUrl: () => (config.publicUrl ?? `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${listeningPort}`).replace(/\/+$/, ""),
  });
  if (firstStart && config.demoData && config.demoAccounts && config.adminPasswordIsDefault) {
    for (const line of await seedDemoDossiers(domain, identity)) log(line);
  }
  const app = createApp({ domain, modules: { apiRouters: capabilities.apiRouters(), pageRouters: capabilities.pageRouters() }, engine, identity, log: console.error, secureCookies: config.secureCookies, trustProxy: config.trustProxy, searchLimits: config.searchLimits, allowedHosts: config.allowedHosts });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  let inFlight = 0;
  server.on("request", (_req, res) => {
    inFlight++;
    res.once("close", () => inFlight--);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  listeningPort = port;
  await capabilities.start();
  log(`Dossier listening on http://${config.host}:${port} (data in ${config.dataDir}, synchronous=${config.synchronous})`);
  const sweeper = setInterval(() => identity.sessions.sweep(), 10 * 60_000);
  sweeper.unref();
  const stop = async () => {
    clearInterval(sweeper);
    closeApp(app);
    // Let requests in progress finish (long polls answer at once), then drop kept-alive connections.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const reaper = setInterval(() => inFlight === 0 && server.closeAllConnections(), 20);
    const deadline = setTimeout(() => server.closeAllConnections(), 5000);
    await closed;
    clearInterval(reaper);
    clearTimeout(deadline);
    await capabilities.stop();
    await dossierWorker.close();
    await domain.stop();
    await engine.stop();
    await dataSource.destroy();
  };
  return { engine, identity, domain, capabilities, server, port, stop };
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (isEntryPoint) {
  try {
    const running = await startServer(loadConfig());
    const shutdown = (signal: string) => {
      console.log(`${signal} received, stopping`);
      running.stop().then(() => process.exit(0), () => process.exit(1));
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
  } catch (error) {
    console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
    process.exit(1);
  }
}
