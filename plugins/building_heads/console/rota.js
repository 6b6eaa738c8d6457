// 楼长制 · 红旗驿站排班 The station rota: the next eight weeks of a station, and generating it.
import { reactive, onMounted } from "vue";
import { ElTable, ElTableColumn, ElButton, ElSelect, ElOption, ElAlert } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes } from "@linli/console";

const OPS = doc(new URL("./rota.graphql", import.meta.url));

function shanghaiDate(offsetDays) {
  const d = new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ stations: [], stationId: null, shifts: [], unfilled: [] });
    const period = () => ({ startsOn: shanghaiDate(0), endsOn: shanghaiDate(55) });
    async function loadRota() {
      if (!state.stationId) return;
      state.shifts = (await query(OPS, "BuildingHeadConsoleRota", { stationId: state.stationId, ...period() })).buildingHeadRota;
    }
    onMounted(async () => {
      try {
        state.stations = nodes((await query(OPS, "BuildingHeadConsoleStations")).buildingHeadStations);
        state.stationId = state.stations.length ? state.stations[0].id : null;
        await loadRota();
      } catch (e) { toast(e, "error"); }
    });
    async function generate() {
      try {
        const out = await mutate(OPS, "BuildingHeadConsoleGenerateRota", { stationId: state.stationId, ...period() });
        state.unfilled = out.unfilledWeeksStartingOn;
        toast(t(`已排 ${out.shifts.length} 班`, `${out.shifts.length} shifts planned`));
        await loadRota();
      } catch (e) { toast(e, "error"); }
    }
    return () => html`
      <section aria-labelledby="rota-title">
        <h1 class="page-title" id="rota-title">${t("红旗驿站排班", "Station rota")}</h1>
        <div class="toolbar">
          <${ElSelect} modelValue=${state.stationId} ariaLabel=${t("驿站", "Station")}
            onChange=${(v) => { state.stationId = v; loadRota(); }}>
            ${state.stations.map((s) => html`<${ElOption} key=${s.id} value=${s.id} label=${s.name} />`)}
          </${ElSelect}>
          <${ElButton} type="primary" disabled=${!state.stationId} onClick=${generate}>${t("生成未来八周排班", "Plan the next eight weeks")}</${ElButton}>
        </div>
        ${state.unfilled.length ? html`<${ElAlert} type="warning" showIcon closable=${false}
          title=${t(`无人可排的周：${state.unfilled.join("、")}`, `Weeks nobody could take: ${state.unfilled.join(", ")}`)} />` : null}
        <${ElTable} data=${state.shifts} stripe emptyText=${t("暂无排班", "No shifts yet")}>
          <${ElTableColumn} prop="startsOn" label=${t("开始", "From")} />
          <${ElTableColumn} prop="endsOn" label=${t("结束", "To")} />
          <${ElTableColumn} label=${t("值班楼长", "Head on duty")}>${{ default: ({ row }) => (row.appointment ? `${row.appointment.residentName}（${row.appointment.buildingName}）` : "—") }}</${ElTableColumn}>
          <${ElTableColumn} prop="swapReason" label=${t("换班原因", "Swap reason")} />
        </${ElTable}>
      </section>`;
  },
};
