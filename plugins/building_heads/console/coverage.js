// 楼长制 · 走访覆盖 The coverage dashboard: communities as a chart (ECharts), buildings as a table.
import { reactive, onMounted, onUnmounted, ref, nextTick } from "vue";
import { ElTable, ElTableColumn, ElCard } from "element-plus";
import { html, t, doc, query, toast, session } from "@linli/console";

const OPS = doc(new URL("./coverage.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ communities: [], buildings: [] });
    const el = ref(null);
    let chart = null;

    async function draw() {
      const echarts = await import("echarts");
      await nextTick();
      if (!el.value) return;
      chart = chart || echarts.init(el.value);
      chart.setOption({
        aria: { enabled: true },
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { data: [t("年度走访覆盖率", "Yearly coverage"), t("特殊家庭本月覆盖率", "Special households, this month")] },
        grid: { left: 40, right: 16, bottom: 60, containLabel: true },
        xAxis: { type: "category", data: state.communities.map((c) => c.name), axisLabel: { rotate: 20 } },
        yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: [
          { name: t("年度走访覆盖率", "Yearly coverage"), type: "bar", color: "#1f5fae",
            data: state.communities.map((c) => c.yearlyCoveragePercent ?? 0) },
          { name: t("特殊家庭本月覆盖率", "Special households, this month"), type: "bar", color: "#b3261e",
            data: state.communities.map((c) => c.specialCoveragePercent ?? 0) },
        ],
      }, true);
    }

    const resize = () => chart && chart.resize();
    onMounted(async () => {
      window.addEventListener("resize", resize);
      try {
        const [c, b] = await Promise.all([
          query(OPS, "BuildingHeadConsoleCoverage", { level: "COMMUNITY" }),
          query(OPS, "BuildingHeadConsoleCoverage", { level: "BUILDING" }),
        ]);
        state.communities = c.buildingHeadCoverage;
        state.buildings = b.buildingHeadCoverage;
        await draw();
      } catch (e) {
        toast(e, "error");
      }
    });
    onUnmounted(() => {
      window.removeEventListener("resize", resize);
      if (chart) chart.dispose();
    });

    const pct = (v) => (v === null || v === undefined ? "—" : `${v}%`);
    return () => {
      const total = state.communities.reduce((a, c) => ({ h: a.h + c.households, v: a.v + c.visitedYear }), { h: 0, v: 0 });
      return html`
      <section aria-labelledby="coverage-title">
        <h1 class="page-title" id="coverage-title">${t("楼长走访覆盖", "Visit coverage")}</h1>
        <div class="cards">
          <${ElCard}><div class="muted">${t("住户", "Households")}</div><div class="stat">${total.h}</div></${ElCard}>
          <${ElCard}><div class="muted">${t("今年已走访", "Visited this year")}</div><div class="stat">${total.v}</div></${ElCard}>
          <${ElCard}><div class="muted">${t("覆盖率", "Coverage")}</div>
            <div class="stat">${total.h ? Math.floor((100 * total.v) / total.h) : 0}%</div></${ElCard}>
        </div>
        <h2>${t("各社区", "By community")}</h2>
        <div class="chart" ref=${el} role="img" aria-label=${t("各社区走访覆盖率柱状图", "Bar chart of coverage by community")}></div>
        <h2>${t("各楼栋", "By building")}</h2>
        <${ElTable} data=${state.buildings} stripe class="coverage-table" key=${session.lang}>
          <${ElTableColumn} prop="name" label=${t("楼栋", "Building")} minWidth="140" />
          <${ElTableColumn} prop="households" label=${t("住户", "Households")} />
          <${ElTableColumn} label=${t("年度覆盖", "Yearly")}>${{ default: ({ row }) => pct(row.yearlyCoveragePercent) }}</${ElTableColumn}>
          <${ElTableColumn} prop="overdueYearly" label=${t("年度未访", "Not yet visited")} />
          <${ElTableColumn} label=${t("特殊家庭本月", "Special households this month")}>${{ default: ({ row }) => pct(row.specialCoveragePercent) }}</${ElTableColumn}>
        </${ElTable}>
      </section>`;
    };
  },
};
