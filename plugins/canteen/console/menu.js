// 幸福食堂 · 本周菜单 A public page (no login): a canteen's menu of this week, by day and meal,
// with prices and nutrition tags. The address names the canteen: …/canteen/menu/<canteen id>
// (the code printed on the canteen's poster).
import { reactive, onMounted } from "vue";
import { ElEmpty, ElTag } from "element-plus";
import { html, t, doc, query, toast } from "@linli/console";
import { word, yuan, WEEKDAYS } from "./common.js";

const OPS = doc(new URL("./menu.graphql", import.meta.url));
const SLOTS = ["BREAKFAST", "LUNCH", "DINNER"];

export default {
  props: ["route", "query", "page", "public"],
  setup(props) {
    const state = reactive({ dishes: [], loaded: false, missing: false });
    onMounted(async () => {
      const tail = (props.route || "").slice(props.page.route.length + 1).split("/")[0];
      const canteenId = decodeURIComponent(tail || (props.query && props.query.canteen) || "");
      if (!canteenId) { state.missing = true; state.loaded = true; return; }
      try { state.dishes = (await query(OPS, "CanteenConsoleMenu", { canteenId })).canteenMenu; }
      catch (e) { toast(e, "error"); }
      state.loaded = true;
    });
    const days = () => WEEKDAYS.map((d, i) => ({ label: d, dishes: state.dishes.filter((x) => x.weekday === i + 1) }))
      .filter((d) => d.dishes.length);
    return () => html`
      <section aria-labelledby="ct-menu-title" class="ct-menu">
        <h1 class="page-title" id="ct-menu-title">${t("本周菜单", "This week's menu")}</h1>
        ${state.missing ? html`<p class="muted">${t("请扫描食堂张贴的二维码查看菜单。", "Scan the code on the canteen's poster to see its menu.")}</p>` : null}
        ${state.loaded && !state.missing && !state.dishes.length ? html`<${ElEmpty} description=${t("本周菜单还没有公布", "No menu this week yet")} />` : null}
        ${days().map((d) => html`<div key=${d.label[0]} class="board-item ct-day">
          <h2>${t(d.label[0], d.label[1])}</h2>
          ${SLOTS.filter((s) => d.dishes.some((x) => x.slot === s)).map((s) => html`<p key=${s}>
            <strong>${word(s)}</strong>：${d.dishes.filter((x) => x.slot === s).map((x) => html`<span key=${x.dish} class="ct-dish">
              ${x.dish}${x.priceFen ? ` ${yuan(x.priceFen)}` : ""}
              ${x.nutritionTags.map((g) => html`<${ElTag} key=${g} size="small" effect="plain">${g}</${ElTag}>`)} </span>`)}
          </p>`)}
        </div>`)}
      </section>`;
  },
};
