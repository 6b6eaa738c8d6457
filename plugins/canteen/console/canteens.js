// 幸福食堂 · 食堂 The street's canteens (canteen.read): kind, operator, seats and meals, the
// construction subsidy, the current status and its whole history (oldest first).
import { reactive, onMounted } from "vue";
import { ElTable, ElTableColumn, ElTag, ElEmpty } from "element-plus";
import { html, t, doc, query, toast } from "@linli/console";
import { word, yuan } from "./common.js";

const OPS = doc(new URL("./canteens.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ rows: [], loaded: false });
    onMounted(async () => {
      try { state.rows = (await query(OPS, "CanteenConsoleCanteens")).canteenCanteens.nodes; }
      catch (e) { toast(e, "error"); }
      state.loaded = true;
    });
    return () => html`
      <section aria-labelledby="ct-canteens-title" class="ct-canteens">
        <h1 class="page-title" id="ct-canteens-title">${t("幸福食堂", "Canteens")}</h1>
        ${state.loaded && !state.rows.length ? html`<${ElEmpty} description=${t("还没有登记食堂", "No canteen yet")} />` : null}
        <${ElTable} data=${state.rows} rowKey="id" class="ct-canteen-table" emptyText=${t("暂无", "None")}>
          <${ElTableColumn} prop="name" label=${t("名称", "Name")} minWidth="200" />
          <${ElTableColumn} label=${t("状态", "Status")} minWidth="130">
            ${{ default: ({ row }) => html`<${ElTag} class="ct-status" effect="plain">${word(row.status)}</${ElTag}>
              ${row.statusOn ? html`<span class="muted"> ${row.statusOn}</span>` : null}
              ${row.expectedReadyOn ? html`<div class="muted">${t("预计", "expected")} ${row.expectedReadyOn}</div>` : null}` }}
          </${ElTableColumn}>
          <${ElTableColumn} label=${t("类型", "Kind")} minWidth="130">
            ${{ default: ({ row }) => `${word(row.kind)}${row.elderlyCentre ? t("（养老服务中心内）", " (in a centre)") : ""}` }}
          </${ElTableColumn}>
          <${ElTableColumn} prop="operatorName" label=${t("运营方", "Operator")} minWidth="120" />
          <${ElTableColumn} label=${t("座位 · 餐次", "Seats · meals")} minWidth="140">
            ${{ default: ({ row }) => `${row.seats} · ${row.slots.map(word).join("、")}` }}
          </${ElTableColumn}>
          <${ElTableColumn} label=${t("建设补贴", "Construction subsidy")} minWidth="120">
            ${{ default: ({ row }) => yuan(row.constructionSubsidyFen) }}
          </${ElTableColumn}>
        </${ElTable}>
        <h2>${t("状态历史", "Status history")}</h2>
        <div class="ct-histories">
          ${state.rows.map((row) => html`<div key=${row.id} class="board-item">
            <p><strong>${row.name}</strong> · ${word(row.status)}</p>
            <p class="ct-steps">${row.history.map((h) => `${h.changedOn} ${word(h.status)}${h.note ? `（${h.note}）` : ""}`).join(" → ")}</p>
          </div>`)}
        </div>
      </section>`;
  },
};
