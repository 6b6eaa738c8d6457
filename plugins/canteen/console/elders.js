// 幸福食堂 · 老人登记 (canteen.elders) Register a resident of the street in the city's elder
// registry — once, and every canteen of the city recognises them (一次录入、信息共享、全市食堂通用):
// find the resident by name, give the number of the card they will show (or let the system
// make one), register. Registering again refreshes the tags (低保, 特困) and changes nothing else.
import { reactive } from "vue";
import { ElButton, ElInput, ElAlert, ElTag } from "element-plus";
import { html, t, doc, query, mutate, toast, model } from "@linli/console";

const OPS = doc(new URL("./elders.graphql", import.meta.url));
const year = () => new Date(Date.now() + 8 * 3600e3).getUTCFullYear();

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ name: "", residents: [], searched: false, picked: null, card: "",
                             error: "", busy: false, registered: [] });
    async function search() {
      state.error = ""; state.picked = null;
      try {
        state.residents = (await query(OPS, "CanteenConsoleResidents", { name: state.name.trim() })).residents.edges.map((e) => e.node);
      } catch (e) { state.error = e.message; state.residents = []; }
      state.searched = true;
    }
    async function register() {
      state.busy = true; state.error = "";
      try {
        const out = await mutate(OPS, "CanteenConsoleRegisterElder", { residentId: state.picked.id,
          cardToken: state.card.trim() || null });
        state.registered = [{ ...out.elder, card: state.card.trim() }].concat(state.registered.filter((e) => e.id !== out.elder.id));
        toast(t(`已登记 ${out.elder.nameMasked}，全市幸福食堂通用`, `${out.elder.nameMasked} registered for every canteen of the city`));
        state.picked = null; state.card = "";
      } catch (e) { state.error = e.message; }
      state.busy = false;
    }
    const age = (r) => year() - r.birthYear;
    return () => html`
      <section aria-labelledby="ct-elders-title" class="ct-elders-page">
        <h1 class="page-title" id="ct-elders-title">${t("老人登记", "Register elders")}</h1>
        <p class="muted">${t("一次录入、信息共享、全市食堂通用：登记后老人可在全市任一幸福食堂就餐，补贴按就餐日的规则计算，全市每日限补一餐。",
          "Registered once, recognised at every canteen of the city; the subsidy follows the rules of the meal date, one subsidised meal a day city-wide.")}</p>
        <form class="toolbar" onSubmit=${(e) => { e.preventDefault(); search(); }}>
          <${ElInput} id="ct-resident-name" ...${model(state, "name")} placeholder=${t("居民姓名（开头几个字）", "Resident's name (its start)")}
            ariaLabel=${t("居民姓名", "Resident's name")} />
          <${ElButton} nativeType="submit" class="find-resident" disabled=${!state.name.trim()}>${t("查找居民", "Find")}</${ElButton}>
        </form>
        ${state.searched && !state.residents.length && !state.error ? html`<p class="muted">${t("没有找到这位居民", "No resident found")}</p>` : null}
        ${state.residents.length ? html`<ul class="board ct-residents" aria-label=${t("查找结果", "Results")}>
          ${state.residents.map((r) => html`<li key=${r.id}><${ElButton} class="resident" type=${state.picked && state.picked.id === r.id ? "primary" : ""}
            onClick=${() => { state.picked = r; state.error = ""; }}>
            ${r.name} · ${r.birthYear}${t("年生", "")}（${age(r)}${t("岁", "")}）${r.tags.length ? ` · ${r.tags.join("、")}` : ""}</${ElButton}></li>`)}
        </ul>` : null}
        ${state.picked ? html`<div class="board-item ct-register">
          <p><strong>${state.picked.name}</strong> · ${state.picked.birthYear}${t("年生", "")}
            ${age(state.picked) < 70 ? html`<${ElTag} type="warning" size="small">${t("未满70岁，就餐暂无补贴", "under 70: no subsidy yet")}</${ElTag}>` : null}</p>
          <form class="toolbar" onSubmit=${(e) => { e.preventDefault(); register(); }}>
            <${ElInput} id="ct-card" ...${model(state, "card")} maxlength="64" placeholder=${t("就餐卡号（可空，系统生成）", "Card number (empty: generated)")}
              ariaLabel=${t("就餐卡号", "Card number")} autocomplete="off" />
            <${ElButton} type="primary" nativeType="submit" class="register" disabled=${state.busy}>${t("登记到全市名册", "Register")}</${ElButton}>
          </form>
        </div>` : null}
        ${state.error ? html`<${ElAlert} type="error" class="ct-error" title=${state.error} showIcon closable=${false} />` : null}
        ${state.registered.length ? html`<h2>${t("本次已登记", "Registered now")}</h2>
          <ul class="board ct-registered">${state.registered.map((e) => html`<li key=${e.id} class="board-item">
            <strong>${e.nameMasked}</strong> · ${e.birthYear}${t("年生", "")}${e.card ? ` · ${t("卡号", "card")} ${e.card}` : ""}
            ${e.tags.length ? ` · ${e.tags.join("、")}` : ""}</li>`)}</ul>` : null}
      </section>`;
  },
};
