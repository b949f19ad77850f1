/**
 * The real server (startServer) in a process of its own for the (http) bench, as in production:
 * clients run elsewhere, so the official client's own work (undici, its request building) does not
 * share the server's event loop. Talks to the bench over IPC: sends `{ port }` once listening,
 * answers `count` with the number of process instances finished so far (and its CPU time, ms),
 * stops on `stop`.
 */
import { loadConfig } from "../../src/config.js";
import { startServer } from "../../src/main.js";

const dir = process.env["BENCH_HTTP_DIR"]!;
const config = loadConfig({
  PORT: "0", DATA_DIR: dir, SQLITE_SYNCHRONOUS: "FULL", PROCESSES_DIR: `${dir}/none`, DEMO_ACCOUNTS: "false", ADMIN_PASSWORD: process.env["BENCH_HTTP_PASSWORD"]!,
  MAX_VARIABLE_BYTES: String(4 * 1024 * 1024),
});
const server = await startServer(config, () => undefined);
let finished = 0;
server.engine.events.on("finished", () => finished++);
process.on("message", (message: { type: string }) => {
  if (message.type === "count") {
    const cpu = process.cpuUsage();
    process.send!({ type: "count", finished, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  if (message.type === "stop") {
    void server.stop().then(() => process.exit(0));
  }
});
process.send!({ type: "ready", port: server.port });
