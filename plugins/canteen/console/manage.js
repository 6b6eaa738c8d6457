// 幸福食堂 · 食堂状态 (canteen.manage) Move a canteen to its next status — signed (签约), fitting out
// with the expected ready date, ready to operate (达到运营条件), operating, suspended, closed — on a
// date, with a note; the server offers only the allowed next steps (nextStatuses) and keeps the
// whole history.
import { reactive, onMounted } from "vue";
import { ElButton, ElDialog, ElForm, ElFormItem, ElSelect, ElOption, ElDatePicker, ElInput, ElTag, ElEmpty } from "element-plus";
import { html, t, doc, query, mutate, toast, model } from "@linli/console";
import { word } from "./common.js";

const OPS = doc(new URL("./manage.graphql", import.meta.url));
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ rows: [], loaded: false, open: false, busy: false, error: "",
                             form: { canteen: null, status: "", changedOn: "", expectedReadyOn: "", note: "" } });
    async function load() {
      try { state.rows = (await query(OPS, "CanteenConsoleManage")).canteenCanteens.nodes; }
      catch (e) { toast(e, "error"); }
      state.loaded = true;
    }
    onMounted(load);
    function start(row, status) {
      state.form = { canteen: row, status, changedOn: today(), expectedReadyOn: row.expectedReadyOn || "", note: "" };
      state.error = ""; state.open = true;
    }
    async function save() {
      const f = state.form;
      if (f.status === "FITTING_OUT" && !f.expectedReadyOn) {
        state.error = t("装修中须填写预计达到运营条件的日期", "Fitting out needs the expected ready date");
        return;
      }
      state.busy = true; state.error = "";
      try {
        const out = await mutate(OPS, "CanteenConsoleChangeStatus", { input: {
          canteenId: f.canteen.id, status: f.status, changedOn: f.changedOn || null,
          expectedReadyOn: f.status === "FITTING_OUT" ? f.expectedReadyOn : null, note: f.note.trim() } });
        state.rows = state.rows.map((r) => (r.id === out.canteen.id ? { ...r, ...out.canteen } : r));
        state.open = false;
        toast(t(`${f.canteen.name}：${word(out.canteen.status)}`, `${f.canteen.name}: ${word(out.canteen.status)}`));
      } catch (e) { state.error = e.message; }
      state.busy = false;
    }
    const row = (r) => html`<div key=${r.id} class="board-item ct-manage-row">
      <p><strong>${r.name}</strong> · ${word(r.kind)}${r.elderlyCentre ? t("（养老服务中心内）", " (in a centre)") : ""}
        <${ElTag} class="ct-status" effect="plain">${word(r.status)}</${ElTag}>
        ${r.statusOn ? html`<span class="muted"> ${r.statusOn}</span>` : null}
        ${r.expectedReadyOn && r.status === "FITTING_OUT" ? html`<span class="muted ct-expected"> · ${t("预计达到运营条件", "expected ready")} ${r.expectedReadyOn}</span>` : null}</p>
      <p class="ct-steps muted">${r.history.map((h) => `${h.changedOn} ${word(h.status)}${h.note ? `（${h.note}）` : ""}`).join(" → ")}</p>
      <div class="toolbar">
        ${r.nextStatuses.map((s) => html`<${ElButton} key=${s} size="small" class=${`ct-next ct-next-${s.toLowerCase()}`}
          type=${s === "CLOSED" ? "danger" : s === "SUSPENDED" ? "warning" : "primary"} plain=${s === "CLOSED" || s === "SUSPENDED"}
          onClick=${() => start(r, s)}>${t(`改为${word(s)}`, `Move to ${word(s)}`)}</${ElButton}>`)}
      </div>
    </div>`;
    return () => html`
      <section aria-labelledby="ct-manage-title" class="ct-manage">
        <h1 class="page-title" id="ct-manage-title">${t("食堂状态", "Canteen status")}</h1>
        ${state.loaded && !state.rows.length ? html`<${ElEmpty} description=${t("还没有登记食堂", "No canteen yet")} />` : null}
        <div class="ct-manage-list">${state.rows.map(row)}</div>
        <${ElDialog} modelValue=${state.open} onUpdate:modelValue=${(v) => { state.open = v; }} width="min(92vw, 480px)"
          title=${state.form.canteen ? `${state.form.canteen.name} → ${word(state.form.status)}` : ""} class="ct-status-dialog">
          <${ElForm} labelPosition="top" onSubmit=${(e) => { e.preventDefault(); save(); }}>
            <${ElFormItem} label=${t("日期", "Date")} for="ct-changed-on">
              <${ElDatePicker} id="ct-changed-on" ...${model(state.form, "changedOn")} type="date" valueFormat="YYYY-MM-DD"
                ariaLabel=${t("日期", "Date")} />
            </${ElFormItem}>
            ${state.form.status === "FITTING_OUT" ? html`<${ElFormItem} label=${t("预计达到运营条件日期", "Expected ready on")} for="ct-expected" required>
              <${ElDatePicker} id="ct-expected" ...${model(state.form, "expectedReadyOn")} type="date" valueFormat="YYYY-MM-DD"
                ariaLabel=${t("预计达到运营条件日期", "Expected ready on")} />
            </${ElFormItem}>` : null}
            <${ElFormItem} label=${t("备注", "Note")} for="ct-note">
              <${ElInput} id="ct-note" ...${model(state.form, "note")} maxlength="500" ariaLabel=${t("备注", "Note")} />
            </${ElFormItem}>
            ${state.error ? html`<p class="bad ct-status-error" role="alert">${state.error}</p>` : null}
            <${ElButton} type="primary" nativeType="submit" class="ct-save-status" disabled=${state.busy}>${t("确认变更", "Change")}</${ElButton}>
          </${ElForm}>
        </${ElDialog}>
      </section>`;
  },
};
