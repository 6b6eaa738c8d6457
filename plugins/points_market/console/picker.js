// A resident picker shared by the account and counter pages (name prefix → one resident).
import { reactive } from "vue";
import { ElButton, ElInput, ElFormItem } from "element-plus";
import { html, t, doc, query, toast, nodes, model } from "@linli/console";

const OPS = doc(new URL("./account.graphql", import.meta.url));

export function residentPicker(onPick) {
  const s = reactive({ name: "", found: [], picked: null });
  async function find() {
    if (!s.name.trim()) return;
    try {
      s.found = nodes((await query(OPS, "PointsMarketConsoleFindResident", { name: s.name.trim() })).residents);
      if (!s.found.length) toast(t("未找到居民", "No resident found"), "warning");
    } catch (e) { toast(e, "error"); }
  }
  function pick(r) { s.picked = r; s.found = []; onPick(r); }
  const where = (r) => r.household ? `${r.household.building ? r.household.building.name : ""} ${r.household.room}` : "";
  const view = () => html`
    <div class="toolbar">
      <${ElFormItem} label=${t("居民姓名", "Resident's name")} for="pm-resident-name">
        <${ElInput} id="pm-resident-name" ...${model(s, "name")}
          onKeyup=${(e) => { if (e.key === "Enter") find(); }} />
      </${ElFormItem}>
      <${ElButton} type="primary" class="find-resident" onClick=${find}>${t("查找", "Find")}</${ElButton}>
    </div>
    ${s.found.length ? html`<div class="big-buttons">${s.found.map((r) => html`
      <${ElButton} key=${r.id} class="resident" onClick=${() => pick(r)}>${r.name} ${where(r)}</${ElButton}>`)}</div>` : null}
    ${s.picked ? html`<p><strong>${s.picked.name}</strong> <span class="muted">${where(s.picked)}</span></p>` : null}`;
  return { state: s, view };
}
