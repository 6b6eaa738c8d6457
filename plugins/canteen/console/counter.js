// 幸福食堂 · 就餐柜台 The counter (canteen.serve): pick the canteen and the meal; find the elder by
// name or by 身份证号 (blind index, never decrypted, audited); record the meal and see the subsidy
// applied — or why there is none (the day's subsidy already used, not eligible).
import { reactive, onMounted } from "vue";
import { ElInput, ElButton, ElSelect, ElOption, ElAlert, ElInputNumber, ElFormItem, ElForm, ElTag } from "element-plus";
import { html, t, doc, query, mutate, toast, model } from "@linli/console";
import { word, yuan } from "./common.js";

const OPS = doc(new URL("./counter.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ canteens: [], canteenId: "", slot: "LUNCH", price: 10, name: "",
                             idNumber: "", elders: [], elder: null, meal: null, created: true, error: "" });
    const canteen = () => state.canteens.find((c) => c.id === state.canteenId);
    onMounted(async () => {
      try {
        state.canteens = (await query(OPS, "CanteenConsoleCounterCanteens")).canteenCanteens.nodes
          .filter((c) => c.status === "OPERATING");
        if (state.canteens.length) pick(state.canteens[0].id);
      } catch (e) { toast(e, "error"); }
    });
    function pick(id) {
      state.canteenId = id;
      const c = canteen();
      if (c && !c.slots.includes(state.slot)) state.slot = c.slots[0];
    }
    async function byName() {
      state.error = ""; state.meal = null;
      try {
        state.elders = (await query(OPS, "CanteenConsoleElders", { name: state.name.trim() })).canteenElders.nodes;
        if (!state.elders.length) state.error = t("没有找到这位老人", "No elder found");
      } catch (e) { state.error = e.message; }
    }
    async function byId() {
      state.error = ""; state.meal = null; state.elders = [];
      try {
        state.elder = (await mutate(OPS, "CanteenConsoleFindElder", { idNumber: state.idNumber.trim() })).elder;
        state.idNumber = "";
      } catch (e) { state.elder = null; state.error = e.message; }
    }
    async function record() {
      state.error = "";
      try {
        const out = await mutate(OPS, "CanteenConsoleRecordMeal", { canteenId: state.canteenId, slot: state.slot,
          priceFen: Math.round(state.price * 100), elderId: state.elder.id });
        state.meal = out.meal; state.created = out.created;
        toast(out.created ? t("已登记", "Recorded") : t("这一餐已登记过", "Already recorded"), out.created ? "success" : "warning");
      } catch (e) { state.meal = null; state.error = e.message; }
    }
    const result = (m) => (m.subsidyFen > 0
      ? html`<p><${ElTag} type="success" effect="dark" class="subsidised">${t("已补贴", "Subsidised")}</${ElTag}>
          ${t("补贴", "subsidy")} <strong>${yuan(m.subsidyFen)}</strong>（${m.bracket}）· ${t("个人支付", "pays")} <strong>${yuan(m.selfPayFen)}</strong></p>`
      : html`<p><${ElTag} type="warning" effect="dark" class="unsubsidised">${t("无补贴", "No subsidy")}</${ElTag}>
          <span class="refusal">${word(m.unsubsidisedReason)}</span> · ${t("个人支付", "pays")} <strong>${yuan(m.selfPayFen)}</strong></p>`);
    return () => html`
      <section aria-labelledby="ct-counter-title" class="ct-counter">
        <h1 class="page-title" id="ct-counter-title">${t("就餐柜台", "Meal counter")}</h1>
        ${!state.canteens.length ? html`<p class="muted">${t("没有运营中的食堂", "No operating canteen")}</p>` : null}
        <${ElForm} labelPosition="top" class="toolbar" onSubmit=${(e) => e.preventDefault()}>
          <${ElFormItem} label=${t("食堂", "Canteen")} for="ct-canteen">
            <${ElSelect} id="ct-canteen" modelValue=${state.canteenId} onChange=${pick} class="canteen-pick" style=${{ width: "18em", maxWidth: "100%" }}
              ariaLabel=${t("食堂", "Canteen")}>
              ${state.canteens.map((c) => html`<${ElOption} key=${c.id} value=${c.id} label=${c.name} />`)}
            </${ElSelect}>
          </${ElFormItem}>
          <${ElFormItem} label=${t("餐次", "Meal")} for="ct-slot">
            <${ElSelect} id="ct-slot" modelValue=${state.slot} onChange=${(v) => { state.slot = v; }} class="slot-pick" style=${{ width: "7em" }}
              ariaLabel=${t("餐次", "Meal")}>
              ${(canteen() ? canteen().slots : []).map((s) => html`<${ElOption} key=${s} value=${s} label=${word(s)} />`)}
            </${ElSelect}>
          </${ElFormItem}>
          <${ElFormItem} label=${t("价格（元）", "Price (yuan)")} for="ct-price">
            <${ElInputNumber} id="ct-price" ...${model(state, "price")} min=${0} max=${200} precision=${2} step=${1}
              ariaLabel=${t("价格（元）", "Price (yuan)")} />
          </${ElFormItem}>
        </${ElForm}>
        <h2>${t("找到老人", "Find the elder")}</h2>
        <form class="toolbar" onSubmit=${(e) => { e.preventDefault(); byName(); }}>
          <${ElInput} id="ct-name" ...${model(state, "name")} placeholder=${t("姓名", "Name")} ariaLabel=${t("老人姓名", "Elder's name")} />
          <${ElButton} nativeType="submit" class="find-name" disabled=${!state.name.trim()}>${t("按姓名查找", "Find by name")}</${ElButton}>
        </form>
        <form class="toolbar" onSubmit=${(e) => { e.preventDefault(); byId(); }}>
          <${ElInput} id="ct-id-number" ...${model(state, "idNumber")} placeholder=${t("身份证号", "ID number")} ariaLabel=${t("身份证号", "ID number")} autocomplete="off" />
          <${ElButton} nativeType="submit" class="find-id" disabled=${!state.idNumber.trim()}>${t("按身份证号查找", "Find by ID number")}</${ElButton}>
        </form>
        ${state.elders.length ? html`<ul class="ct-elders" aria-label=${t("查找结果", "Results")}>
          ${state.elders.map((e) => html`<li key=${e.id}><${ElButton} class="elder" onClick=${() => { state.elder = e; state.elders = []; state.meal = null; }}>
            ${e.nameMasked} · ${e.birthYear}${t("年生", "")}${e.active ? "" : t("（停用）", " (inactive)")}</${ElButton}></li>`)}
        </ul>` : null}
        ${state.error ? html`<${ElAlert} type="error" class="ct-error" title=${state.error} showIcon closable=${false} />` : null}
        ${state.elder ? html`<div class="board-item ct-elder">
          <p><strong>${state.elder.nameMasked}</strong> · ${state.elder.birthYear}${t("年生", "")}
            ${state.elder.tags.length ? ` · ${state.elder.tags.join("、")}` : ""}</p>
          <div class="big-buttons">
            <${ElButton} type="primary" size="large" class="record" disabled=${!state.canteenId} onClick=${record}>
              ${t(`登记${word(state.slot)}`, `Record ${word(state.slot)}`)} ${yuan(Math.round(state.price * 100))}</${ElButton}>
          </div>
        </div>` : null}
        ${state.meal ? html`<div class="board-item ct-meal" role="status">
          <p><strong>${state.meal.elderName}</strong> · ${state.meal.servedOn} ${word(state.meal.slot)} · ${yuan(state.meal.priceFen)}
            ${state.created ? "" : t("（已登记过）", " (already recorded)")}</p>
          ${result(state.meal)}
        </div>` : null}
      </section>`;
  },
};
