// 幸福食堂 · 本周菜单 A public page (no login): the street's canteens (name, address, status,
// meals served, whether it is serving now), and the picked canteen's menu of this week, by day
// and meal, with prices and nutrition tags. …/canteen/menu/<canteen id> (the code on the
// canteen's poster) opens that canteen; otherwise the first one serving meals.
import { reactive, onMounted } from "vue";
import { ElEmpty, ElTag, ElButton } from "element-plus";
import { html, t, doc, query, toast, navigate } from "@linli/console";
import { word, yuan, WEEKDAYS } from "./common.js";

const OPS = doc(new URL("./menu.graphql", import.meta.url));
const SLOTS = ["BREAKFAST", "LUNCH", "DINNER"];

export default {
  props: ["route", "query", "page", "public"],
  setup(props) {
    const state = reactive({ canteens: [], after: null, more: false, canteenId: "", dishes: [],
                             loaded: false, menuLoaded: false });
    async function more() {
      const data = (await query(OPS, "CanteenConsolePublicCanteens", { after: state.after })).canteenPublicCanteens;
      state.canteens = state.canteens.concat(data.edges.map((e) => e.node));
      state.after = data.pageInfo.endCursor; state.more = data.pageInfo.hasNextPage;
    }
    async function open(id, push) {
      state.canteenId = id; state.menuLoaded = false; state.dishes = [];
      if (push) navigate(`${props.page.route}/${encodeURIComponent(id)}`);
      try { state.dishes = (await query(OPS, "CanteenConsoleMenu", { canteenId: id })).canteenMenu; }
      catch (e) { toast(e, "error"); }
      state.menuLoaded = true;
    }
    onMounted(async () => {
      const tail = (props.route || "").slice(props.page.route.length + 1).split("/")[0];
      const wanted = decodeURIComponent(tail || (props.query && props.query.canteen) || "");
      try { await more(); } catch (e) { toast(e, "error"); }
      state.loaded = true;
      const first = state.canteens.find((c) => c.operating);
      if (wanted || first) await open(wanted || first.id, false);
    });
    const picked = () => state.canteens.find((c) => c.id === state.canteenId);
    const days = () => WEEKDAYS.map((d, i) => ({ label: d, dishes: state.dishes.filter((x) => x.weekday === i + 1) }))
      .filter((d) => d.dishes.length);
    const card = (c) => html`<li key=${c.id} class=${`board-item ct-public-canteen${c.id === state.canteenId ? " picked" : ""}`}>
      <p><strong>${c.name}</strong>
        <${ElTag} size="small" type=${c.operating ? "success" : "info"} class="ct-public-status">${word(c.status)}</${ElTag}></p>
      ${c.address ? html`<p class="muted">${c.address}</p>` : null}
      <p>${c.operating ? t(`供应：${c.slots.map(word).join("、")}`, `Serves ${c.slots.map(word).join(", ")}`)
        : c.expectedReadyOn ? t(`预计 ${c.expectedReadyOn} 开业`, `expected to open ${c.expectedReadyOn}`) : t("暂未供餐", "not serving yet")}</p>
      ${c.operating ? html`<${ElButton} class="ct-open-menu" size="small" aria-pressed=${String(c.id === state.canteenId)}
        onClick=${() => open(c.id, true)}>${t("查看本周菜单", "This week's menu")}</${ElButton}>` : null}
    </li>`;
    return () => html`
      <section aria-labelledby="ct-menu-title" class="ct-menu">
        <h1 class="page-title" id="ct-menu-title">${t("幸福食堂 · 本周菜单", "Canteens · this week's menu")}</h1>
        ${state.loaded && !state.canteens.length ? html`<${ElEmpty} description=${t("本街道还没有幸福食堂", "No canteen here yet")} />` : null}
        <ul class="board ct-public-canteens" aria-label=${t("本街道的幸福食堂", "Canteens of this street")}>${state.canteens.map(card)}</ul>
        ${state.more ? html`<${ElButton} class="ct-more" onClick=${() => more().catch((e) => toast(e, "error"))}>${t("更多食堂", "More canteens")}</${ElButton}>` : null}
        ${state.canteenId ? html`<h2 class="ct-menu-of">${picked() ? picked().name : ""} ${t("本周菜单", "this week")}</h2>` : null}
        ${state.menuLoaded && !state.dishes.length ? html`<${ElEmpty} description=${t("本周菜单还没有公布", "No menu this week yet")} />` : null}
        ${days().map((d) => html`<div key=${d.label[0]} class="board-item ct-day">
          <h3>${t(d.label[0], d.label[1])}</h3>
          ${SLOTS.filter((s) => d.dishes.some((x) => x.slot === s)).map((s) => html`<p key=${s}>
            <strong>${word(s)}</strong>：${d.dishes.filter((x) => x.slot === s).map((x) => html`<span key=${x.dish} class="ct-dish">
              ${x.dish}${x.priceFen ? ` ${yuan(x.priceFen)}` : ""}
              ${x.nutritionTags.map((g) => html`<${ElTag} key=${g} size="small" effect="plain">${g}</${ElTag}>`)} </span>`)}
          </p>`)}
        </div>`)}
      </section>`;
  },
};
