// 无偿献血 · 活动进度 Campaigns with their targets and progress (a chart and the table behind it).
import { reactive, ref, onMounted, onUnmounted, nextTick } from "vue";
import { ElCard, ElSelect, ElOption, ElTable, ElTableColumn, ElEmpty } from "element-plus";
import { html, t, doc, query, toast, nodes } from "@linli/console";

const OPS = doc(new URL("./campaigns.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ campaigns: [], id: null, lines: [], loaded: false });
    const el = ref(null);
    let chart = null;
    const current = () => state.campaigns.find((c) => c.id === state.id);
    // the total line has neither office nor unit; otherwise add the street offices' lines
    const donated = () => {
      const total = state.lines.find((l) => !l.workUnit && !l.tenantName);
      return total ? total.donations : state.lines.filter((l) => !l.workUnit).reduce((n, l) => n + l.donations, 0);
    };
    const label = (l) => l.workUnit || l.tenantName || t("合计", "Total");

    async function draw() {
      const echarts = await import("echarts");
      await nextTick();
      if (!el.value) return;
      chart = chart || echarts.init(el.value);
      chart.setOption({
        aria: { enabled: true },
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { data: [t("献血人数", "Donations"), t("目标人数", "Target")] },
        grid: { left: 40, right: 16, bottom: 60, containLabel: true },
        xAxis: { type: "category", data: state.lines.map(label), axisLabel: { rotate: 20 } },
        yAxis: { type: "value" },
        series: [
          { name: t("献血人数", "Donations"), type: "bar", color: "#b3261e", data: state.lines.map((l) => l.donations) },
          { name: t("目标人数", "Target"), type: "bar", color: "#1f5fae", data: state.lines.map((l) => l.targetDonors) },
        ],
      }, true);
    }

    async function loadStats() {
      if (!state.id) return;
      try {
        state.lines = (await query(OPS, "BloodDriveConsoleCampaignStats", { campaignId: state.id }))
          .bloodDriveCampaignStats.lines;
        await draw();
      } catch (e) { toast(e, "error"); }
    }
    onMounted(async () => {
      try {
        state.campaigns = nodes((await query(OPS, "BloodDriveConsoleCampaigns")).bloodDriveCampaigns);
        state.id = state.campaigns.length ? state.campaigns[0].id : null;
        await loadStats();
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
    });
    onUnmounted(() => { if (chart) chart.dispose(); });

    return () => {
      const c = current();
      return html`
      <section aria-labelledby="bd-campaigns-title">
        <h1 class="page-title" id="bd-campaigns-title">${t("献血活动进度", "Campaign progress")}</h1>
        ${state.loaded && !state.campaigns.length ? html`<${ElEmpty} description=${t("暂无活动", "No campaigns")} />` : null}
        ${state.campaigns.length ? html`<div class="toolbar">
          <${ElSelect} modelValue=${state.id} ariaLabel=${t("活动", "Campaign")}
            onChange=${(v) => { state.id = v; loadStats(); }}>
            ${state.campaigns.map((x) => html`<${ElOption} key=${x.id} value=${x.id} label=${x.title} />`)}
          </${ElSelect}></div>` : null}
        ${c ? html`<p class="muted">${t("活动期", "Period")} ${c.startsOn} – ${c.endsOn}</p>
        <div class="cards">
          <${ElCard}><div class="muted">${t("目标人数", "Target donors")}</div><div class="stat">${c.targetDonors}</div></${ElCard}>
          <${ElCard}><div class="muted">${t("目标单位", "Target units")}</div><div class="stat">${c.targetUnits}</div></${ElCard}>
          <${ElCard}><div class="muted">${t("已献血人次", "Donations")}</div><div class="stat donated-total">${donated()}</div></${ElCard}>
        </div>` : null}
        <div class="chart" ref=${el} role="img" aria-label=${t("各单位献血人数与目标", "Donations against targets")}></div>
        <${ElTable} data=${state.lines} class="stats">
          <${ElTableColumn} label=${t("街镇 / 单位", "Office / unit")}>${{ default: ({ row }) => label(row) }}</${ElTableColumn}>
          <${ElTableColumn} prop="signups" label=${t("报名", "Sign-ups")} />
          <${ElTableColumn} prop="bookings" label=${t("预约", "Bookings")} />
          <${ElTableColumn} prop="checkIns" label=${t("签到", "Check-ins")} />
          <${ElTableColumn} prop="donations" label=${t("献血", "Donations")} />
          <${ElTableColumn} prop="volumeMl" label=${t("献血量(ml)", "Volume (ml)")} />
          <${ElTableColumn} prop="targetDonors" label=${t("目标", "Target")} />
        </${ElTable}>
      </section>`;
    };
  },
};
