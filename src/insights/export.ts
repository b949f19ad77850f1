/** The dashboard as an XLSX workbook (exceljs): one sheet of monthly KPIs per series, aging, product figures. */
import ExcelJS from "exceljs";
import type { KpiSeries } from "./kpis.js";
import type { ProductFigures } from "./product.js";

const euros = (cents: number) => Math.round(cents) / 100;

export async function workbook(series: KpiSeries[], product: ProductFigures | null, lang: "fr" | "en"): Promise<Buffer> {
  const fr = lang === "fr";
  const wb = new ExcelJS.Workbook();
  wb.creator = "Dossier";
  const kpis = wb.addWorksheet(fr ? "Indicateurs" : "KPIs");
  kpis.columns = [
    { header: fr ? "Série" : "Series", key: "series", width: 18 },
    { header: fr ? "Mois" : "Month", key: "month", width: 10 },
    { header: fr ? "Facturé (€)" : "Invoiced (€)", key: "invoiced", width: 14 },
    { header: fr ? "Encaissé (€)" : "Settled (€)", key: "settled", width: 14 },
    { header: fr ? "Encours fin de mois (€)" : "Due at month end (€)", key: "due", width: 18 },
    { header: fr ? "Non échu (€)" : "Current (€)", key: "b0", width: 14 },
    { header: "1–30 (€)", key: "b1", width: 12 },
    { header: "31–60 (€)", key: "b2", width: 12 },
    { header: "61–90 (€)", key: "b3", width: 12 },
    { header: "> 90 (€)", key: "b4", width: 12 },
    { header: fr ? "En litige (€)" : "Disputed (€)", key: "disputed", width: 14 },
    { header: "DSO", key: "dso", width: 8 },
    { header: fr ? "Meilleur DSO" : "Best DSO", key: "bestDso", width: 12 },
    { header: "CEI (%)", key: "cei", width: 8 },
    { header: fr ? "Relances envoyées" : "Reminders sent", key: "sent", width: 12 },
    { header: fr ? "Appels" : "Calls", key: "calls", width: 8 },
    { header: fr ? "Promesses tenues" : "Promises kept", key: "kept", width: 12 },
    { header: fr ? "Promesses non tenues" : "Promises broken", key: "broken", width: 12 },
  ];
  kpis.getRow(1).font = { bold: true };
  for (const s of series) {
    for (const m of s.months) {
      kpis.addRow({
        series: s.key === "*" ? (fr ? "Total" : "Total") : s.key || (fr ? "(aucun)" : "(none)"), month: m.month,
        invoiced: euros(m.invoicedCents), settled: euros(m.settledCents), due: euros(m.dueCents),
        b0: euros(m.buckets[0]), b1: euros(m.buckets[1]), b2: euros(m.buckets[2]), b3: euros(m.buckets[3]), b4: euros(m.buckets[4]),
        disputed: euros(m.disputedCents), dso: m.dso, bestDso: m.bestDso, cei: m.cei, sent: m.remindersSent, calls: m.callsLogged, kept: m.promisesKept, broken: m.promisesBroken,
      });
    }
  }
  for (const key of ["invoiced", "settled", "due", "b0", "b1", "b2", "b3", "b4", "disputed"]) kpis.getColumn(key).numFmt = "#,##0.00";
  if (product) {
    const d = wb.addWorksheet(fr ? "Dossiers" : "Dossiers");
    d.columns = [{ header: "Type", key: "type", width: 24 }, { header: fr ? "État" : "State", key: "state", width: 20 }, { header: fr ? "Nombre" : "Count", key: "count", width: 10 }];
    d.getRow(1).font = { bold: true };
    for (const r of product.dossiers) d.addRow(r);
    const c = wb.addWorksheet(fr ? "Durées" : "Cycle times");
    c.columns = [
      { header: fr ? "Processus" : "Process", key: "process", width: 28 }, { header: fr ? "Terminés" : "Completed", key: "completed", width: 10 },
      { header: fr ? "Moyenne (h)" : "Average (h)", key: "averageHours", width: 12 }, { header: fr ? "Médiane (h)" : "Median (h)", key: "medianHours", width: 12 }, { header: "P90 (h)", key: "p90Hours", width: 10 },
    ];
    c.getRow(1).font = { bold: true };
    for (const r of product.cycleTimes) c.addRow(r);
    if (product.tasks) {
      const w = wb.addWorksheet(fr ? "Charge" : "Workload");
      w.columns = [{ header: fr ? "Agent ou groupe" : "Agent or group", key: "who", width: 24 }, { header: fr ? "Ouvertes" : "Open", key: "open", width: 10 }, { header: fr ? "En retard" : "Overdue", key: "overdue", width: 10 }];
      w.getRow(1).font = { bold: true };
      for (const a of product.tasks.byAgent) w.addRow({ who: a.assignee, open: a.open, overdue: a.overdue });
      for (const g of product.tasks.byGroup) w.addRow({ who: `${fr ? "groupe" : "group"} ${g.group}`, open: g.open, overdue: g.overdue });
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
