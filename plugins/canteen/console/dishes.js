// 幸福食堂 · 编辑菜单 (canteen.serve) A canteen's dishes of this week or next: load what is
// published, add, change or remove dishes (day, meal, dish, price, nutrition tags), publish —
// residents read it at once on the public menu page.
import { reactive, onMounted } from "vue";
import { ElButton, ElSelect, ElOption, ElInput, ElInputNumber, ElFormItem, ElEmpty, ElAlert } from "element-plus";
import { html, t, doc, query, mutate, toast, model } from "@linli/console";
import { word, monday, WEEKDAYS } from "./common.js";

const OPS = doc(new URL("./dishes.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ canteens: [], canteenId: "", week: monday(), rows: [], loaded: false,
                             busy: false, error: "" });
    const canteen = () => state.canteens.find((c) => c.id === state.canteenId);
    async function load() {
      state.loaded = false; state.error = "";
      try {
        const dishes = (await query(OPS, "CanteenConsoleWeekMenu", { canteenId: state.canteenId, weekStartsOn: state.week })).canteenMenu;
        state.rows = dishes.map((d) => ({ weekday: d.weekday, slot: d.slot, dish: d.dish, price: d.priceFen / 100,
                                          tags: d.nutritionTags.join("、") }));
      } catch (e) { toast(e, "error"); state.rows = []; }
      state.loaded = true;
    }
    onMounted(async () => {
      try {
        const all = (await query(OPS, "CanteenConsoleDishCanteens")).canteenCanteens.nodes;
        state.canteens = all.filter((c) => ["OPERATING", "READY", "SUSPENDED"].includes(c.status));
        if (state.canteens.length) { state.canteenId = state.canteens[0].id; await load(); }
      } catch (e) { toast(e, "error"); }
    });
    function add() {
      const last = state.rows[state.rows.length - 1];
      state.rows.push({ weekday: last ? last.weekday : 1, slot: last ? last.slot : (canteen() ? canteen().slots[0] : "LUNCH"),
                        dish: "", price: last ? last.price : 10, tags: "" });
    }
    async function save() {
      state.busy = true; state.error = "";
      try {
        const dishes = state.rows.filter((r) => r.dish.trim()).map((r) => ({ weekday: r.weekday, slot: r.slot, dish: r.dish.trim(),
          priceFen: Math.round((r.price || 0) * 100), nutritionTags: r.tags.split(/[、,，\s]+/).filter(Boolean) }));
        const out = await mutate(OPS, "CanteenConsoleSetMenu", { input: { canteenId: state.canteenId, weekStartsOn: state.week, dishes } });
        toast(t(`已发布 ${out.dishes} 道菜`, `${out.dishes} dishes published`));
        await load();
      } catch (e) { state.error = e.message; }
      state.busy = false;
    }
    const dishRow = (r, i) => html`<div key=${i} class="board-item ct-dish-row toolbar">
      <${ElSelect} modelValue=${r.weekday} onChange=${(v) => { r.weekday = v; }} style=${{ width: "6em" }} ariaLabel=${t(`第${i + 1}道菜：星期`, `Dish ${i + 1}: day`)}>
        ${WEEKDAYS.map((d, n) => html`<${ElOption} key=${n} value=${n + 1} label=${t(d[0], d[1])} />`)}
      </${ElSelect}>
      <${ElSelect} modelValue=${r.slot} onChange=${(v) => { r.slot = v; }} style=${{ width: "6em" }} ariaLabel=${t(`第${i + 1}道菜：餐次`, `Dish ${i + 1}: meal`)}>
        ${(canteen() ? canteen().slots : ["LUNCH"]).map((s) => html`<${ElOption} key=${s} value=${s} label=${word(s)} />`)}
      </${ElSelect}>
      <${ElInput} ...${model(r, "dish")} class="ct-dish-name" maxlength="100" style=${{ width: "10em" }} placeholder=${t("菜名", "Dish")}
        ariaLabel=${t(`第${i + 1}道菜：菜名`, `Dish ${i + 1}: name`)} />
      <${ElInputNumber} ...${model(r, "price")} min=${0} max=${1000} precision=${2} step=${1} controlsPosition="right" style=${{ width: "7em" }}
        ariaLabel=${t(`第${i + 1}道菜：价格（元）`, `Dish ${i + 1}: price (yuan)`)} />
      <${ElInput} ...${model(r, "tags")} style=${{ width: "10em" }} placeholder=${t("营养标签，如 低盐、软烂", "Tags, e.g. low salt")}
        ariaLabel=${t(`第${i + 1}道菜：营养标签`, `Dish ${i + 1}: nutrition tags`)} />
      <${ElButton} class="ct-remove-dish" onClick=${() => state.rows.splice(i, 1)}>${t("删除", "Remove")}</${ElButton}>
    </div>`;
    return () => html`
      <section aria-labelledby="ct-dishes-title" class="ct-dishes">
        <h1 class="page-title" id="ct-dishes-title">${t("编辑菜单", "Edit the menu")}</h1>
        <div class="toolbar">
          <${ElFormItem} label=${t("食堂", "Canteen")} for="ct-dish-canteen">
            <${ElSelect} id="ct-dish-canteen" modelValue=${state.canteenId} onChange=${(v) => { state.canteenId = v; load(); }}
              class="canteen-pick" style=${{ width: "18em", maxWidth: "100%" }} ariaLabel=${t("食堂", "Canteen")}>
              ${state.canteens.map((c) => html`<${ElOption} key=${c.id} value=${c.id} label=${c.name} />`)}
            </${ElSelect}>
          </${ElFormItem}>
          <${ElFormItem} label=${t("周", "Week")} for="ct-dish-week">
            <${ElSelect} id="ct-dish-week" modelValue=${state.week} onChange=${(v) => { state.week = v; load(); }} class="week-pick"
              style=${{ width: "12em" }} ariaLabel=${t("周", "Week")}>
              <${ElOption} value=${monday()} label=${t(`本周（${monday()} 起）`, `This week (from ${monday()})`)} />
              <${ElOption} value=${monday(1)} label=${t(`下周（${monday(1)} 起）`, `Next week (from ${monday(1)})`)} />
            </${ElSelect}>
          </${ElFormItem}>
        </div>
        ${!state.canteens.length ? html`<p class="muted">${t("没有可编辑菜单的食堂", "No canteen to edit")}</p>` : null}
        ${state.loaded && !state.rows.length ? html`<${ElEmpty} description=${t("这一周还没有菜单", "No menu for this week yet")} />` : null}
        <div class="ct-dish-rows">${state.rows.map(dishRow)}</div>
        ${state.error ? html`<${ElAlert} type="error" class="ct-error" title=${state.error} showIcon closable=${false} />` : null}
        ${state.canteenId ? html`<div class="toolbar">
          <${ElButton} class="ct-add-dish" onClick=${add}>${t("添加一道菜", "Add a dish")}</${ElButton}>
          <${ElButton} type="primary" class="ct-publish" disabled=${state.busy} onClick=${save}>${t("发布菜单", "Publish")}</${ElButton}>
        </div>` : null}
      </section>`;
  },
};
