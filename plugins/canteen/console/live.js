// 幸福食堂 · 今日实时 Today's figures of a canteen (canteen.read or canteen.serve): meals, subsidised
// meals and utilisation (meals over seats × slots), pushed by the canteenLiveStats subscription
// after every meal recorded at the counter or every batch.
import { reactive, onMounted, onUnmounted } from "vue";
import { ElSelect, ElOption, ElFormItem } from "element-plus";
import { html, t, doc, query, subscribe, toast } from "@linli/console";
import { word } from "./common.js";

const OPS = doc(new URL("./live.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ canteens: [], canteenId: "", stat: null, updates: 0 });
    let stop = null;
    function watch(id) {
      if (stop) stop();
      state.canteenId = id; state.stat = null; state.updates = 0;
      stop = subscribe(OPS, "CanteenConsoleLiveStats", { canteenId: id }, (data) => {
        state.stat = data.canteenLiveStats; state.updates += 1;
      }, (e) => toast(e, "error"));
    }
    onMounted(async () => {
      try {
        const all = (await query(OPS, "CanteenConsoleLiveCanteens")).canteenCanteens.nodes;
        state.canteens = all.filter((c) => c.status === "OPERATING").concat(all.filter((c) => c.status !== "OPERATING"));
        if (state.canteens.length) watch(state.canteens[0].id);
      } catch (e) { toast(e, "error"); }
    });
    onUnmounted(() => { if (stop) stop(); });
    return () => html`
      <section aria-labelledby="ct-live-title" class="ct-live">
        <h1 class="page-title" id="ct-live-title">${t("今日就餐实时", "Today, live")}</h1>
        <div class="toolbar">
          <${ElFormItem} label=${t("食堂", "Canteen")} for="ct-live-canteen">
            <${ElSelect} id="ct-live-canteen" modelValue=${state.canteenId} onChange=${watch} class="canteen-pick" style=${{ width: "18em", maxWidth: "100%" }}
              ariaLabel=${t("食堂", "Canteen")}>
              ${state.canteens.map((c) => html`<${ElOption} key=${c.id} value=${c.id} label=${`${c.name}（${word(c.status)}）`} />`)}
            </${ElSelect}>
          </${ElFormItem}>
        </div>
        ${state.stat ? html`<div class="cards" role="status" aria-live="polite">
          <div class="stat"><span class="muted">${t("日期", "Day")}</span><strong>${state.stat.servedOn}</strong></div>
          <div class="stat live-meals"><span class="muted">${t("就餐人次", "Meals")}</span><strong>${state.stat.meals}</strong></div>
          <div class="stat live-subsidised"><span class="muted">${t("其中享受补贴", "Subsidised")}</span><strong>${state.stat.subsidised}</strong></div>
          <div class="stat"><span class="muted">${t("上座率", "Utilisation")}</span><strong>${(state.stat.utilisation * 100).toFixed(1)}%</strong></div>
        </div>
        <p class="muted">${t("每登记一餐自动更新", "Updates with every meal recorded")} · ${t(`已收到 ${state.updates} 次`, `${state.updates} updates`)}</p>`
        : html`<p class="muted">${t("正在连接…", "Connecting…")}</p>`}
      </section>`;
  },
};
