/** ECharts, bundled with only the parts the dashboards use (no CDN; the canvas renderer, nothing CSP would block). */
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import { h } from "../shared/dom.js";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export type Chart = echarts.ECharts;
export type ChartOption = echarts.EChartsCoreOption;

const charts: Chart[] = [];
window.addEventListener("resize", () => charts.forEach((c) => c.resize()));

/** A chart in a card; `onBar` gets the series and category index of a clicked bar. */
export function chartCard(title: string, option: Record<string, unknown>, testId: string, onBar?: (seriesIndex: number, dataIndex: number) => void, height = 300): HTMLElement {
  const box = h("div", { class: "chart", "data-testid": testId });
  box.style.height = `${height}px`;
  const card = h("section", { class: "card" }, h("h2", {}, title), box);
  requestAnimationFrame(() => {
    const chart = echarts.init(box, undefined, { renderer: "canvas" });
    chart.setOption(option as ChartOption);
    if (onBar) chart.on("click", (p) => { if (p.componentSubType === "bar") onBar(p.seriesIndex ?? 0, p.dataIndex); });
    charts.push(chart);
  });
  return card;
}

export const PALETTE = ["#2f6fde", "#f2b134", "#ef7d32", "#d9442f", "#8e1b1b", "#6a1b9a", "#2e7d32", "#00838f", "#5d4037", "#455a64"];
export const color = (i: number): string => PALETTE[i % PALETTE.length]!;
