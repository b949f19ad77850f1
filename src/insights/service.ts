/**
 * The insights service: catches the projection up (through the engine's write lane), then answers
 * KPI, drill-down and product questions within the reader's scope.
 */
import type Database from "better-sqlite3";
import type { Engine } from "../engine/engine.js";
import type { Principal } from "../identity/identity.js";
import { drillDown, type DrillQuery } from "./drilldown.js";
import { receivablesKpis, type KpiQuery, type Scope } from "./kpis.js";
import { productFigures } from "./product.js";
import { InsightsProjection } from "./projection.js";

/** Receivables figures go by the sector of the invoice's dossier: every sector with `dossiers.all`, else one's own (groups). */
export function scopeOf(principal: Principal): Scope {
  return principal.permissions.has("dossiers.all") ? { sectors: "all" } : { sectors: [...principal.groups] };
}

export class Insights {
  readonly projection: InsightsProjection;
  private running: Promise<void> | undefined;

  constructor(private readonly db: Database.Database, private readonly engine: Engine) {
    this.projection = new InsightsProjection(db);
  }

  /** Projects every dirty invoice, in batches of one write transaction each; concurrent callers share the run. */
  catchUp(): Promise<void> {
    if (!this.running) {
      this.running = (async () => {
        try {
          while (this.projection.pending() > 0) await this.engine.transaction(() => this.projection.projectBatch(2000));
        } finally {
          this.running = undefined;
        }
      })();
    }
    return this.running;
  }

  async receivables(q: KpiQuery) {
    await this.catchUp();
    return receivablesKpis(this.db, q);
  }

  async drillDown(q: DrillQuery) {
    return drillDown(this.db, q);
  }

  product(principal: Principal, sinceDays = 90) {
    const now = this.engine.clock.now();
    return productFigures(this.db, principal, now, now - sinceDays * 86_400_000);
  }
}
