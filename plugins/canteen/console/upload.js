// 幸福食堂 · 批量上传 (canteen.serve) A day's meals of a canteen as CSV or XLSX — a canteen with a
// weak connection, or the export of the city's own 幸福食堂 system (source: import). The same
// rules as the counter; uploading the same file again changes nothing; every rejected row comes
// back with its number, reason and column, shown in a table.
import { reactive, onMounted } from "vue";
import { ElSelect, ElOption, ElFormItem, ElRadioGroup, ElRadio, ElAlert, ElTable, ElTableColumn } from "element-plus";
import { html, t, doc, query, mutate, toast } from "@linli/console";
import { toBase64 } from "./common.js";

const OPS = doc(new URL("./upload.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ canteens: [], canteenId: "", source: "BATCH", file: "", busy: false, report: null });
    onMounted(async () => {
      try {
        const all = (await query(OPS, "CanteenConsoleUploadCanteens")).canteenCanteens.nodes;
        state.canteens = all.filter((c) => c.status === "OPERATING").concat(all.filter((c) => c.status === "SUSPENDED"));
        if (state.canteens.length) state.canteenId = state.canteens[0].id;
      } catch (e) { toast(e, "error"); }
    });
    async function upload(event) {
      const file = event.target.files[0];
      if (!file || !state.canteenId) return;
      state.busy = true; state.file = file.name; state.report = null;
      try {
        const out = await mutate(OPS, "CanteenConsoleUploadMeals", { input: { canteenId: state.canteenId, filename: file.name,
          contentBase64: toBase64(await file.arrayBuffer()), source: state.source } });
        state.report = out.report;
      } catch (e) { toast(e, "error"); } finally {
        state.busy = false;
        event.target.value = "";
      }
    }
    const summary = (r) => t(`新登记 ${r.recorded} 餐（其中补贴 ${r.subsidised} 餐），已登记过未变化 ${r.unchanged} 餐，拒绝 ${r.rejected.length} 行`,
      `${r.recorded} meals recorded (${r.subsidised} subsidised), ${r.unchanged} already recorded, ${r.rejected.length} rows rejected`);
    return () => html`
      <section aria-labelledby="ct-upload-title" class="ct-upload">
        <h1 class="page-title" id="ct-upload-title">${t("批量上传就餐", "Upload meals")}</h1>
        <p class="muted">${t("CSV 或 XLSX，列：卡号 或 身份证号、日期、餐次（早餐/午餐/晚餐）、价格(分)。重复上传不会重复登记；被拒绝的行逐行列出原因。",
          "CSV or XLSX with columns card_token or id_number, served_on, slot, price_fen. Uploading again changes nothing; rejected rows are listed with their reasons.")}</p>
        <div class="toolbar">
          <${ElFormItem} label=${t("食堂", "Canteen")} for="ct-upload-canteen">
            <${ElSelect} id="ct-upload-canteen" modelValue=${state.canteenId} onChange=${(v) => { state.canteenId = v; }}
              class="canteen-pick" style=${{ width: "18em", maxWidth: "100%" }} ariaLabel=${t("食堂", "Canteen")}>
              ${state.canteens.map((c) => html`<${ElOption} key=${c.id} value=${c.id} label=${c.name} />`)}
            </${ElSelect}>
          </${ElFormItem}>
          <${ElFormItem} label=${t("来源", "Source")}>
            <${ElRadioGroup} modelValue=${state.source} onChange=${(v) => { state.source = v; }} ariaLabel=${t("来源", "Source")}>
              <${ElRadio} value="BATCH">${t("食堂上传", "Canteen's sheet")}</${ElRadio}>
              <${ElRadio} value="IMPORT">${t("市幸福食堂系统导出", "City system's export")}</${ElRadio}>
            </${ElRadioGroup}>
          </${ElFormItem}>
        </div>
        <label class="el-button el-button--primary upload-label" for="ct-meals-file">${state.busy ? t("正在上传…", "Uploading…") : t("选择文件", "Choose a file")}</label>
        <input id="ct-meals-file" class="visually-hidden" type="file" accept=".csv,.xlsx" disabled=${!state.canteenId || state.busy} onChange=${upload} />
        ${state.file ? html`<span class="muted"> ${state.file}</span>` : null}
        ${state.report ? html`<div class="ct-upload-report">
          <${ElAlert} type=${state.report.rejected.length ? "warning" : "success"} showIcon closable=${false} class="ct-upload-summary" title=${summary(state.report)} />
          ${state.report.rejected.length ? html`<${ElTable} data=${state.report.rejected} class="ct-rejected" stripe>
            <${ElTableColumn} prop="row" label=${t("行", "Row")} width="70" />
            <${ElTableColumn} label=${t("原因", "Reason")} minWidth="200">
              ${{ default: ({ row }) => t(row.messageZh, row.messageEn) }}
            </${ElTableColumn}>
            <${ElTableColumn} prop="field" label=${t("列", "Column")} width="110" />
            <${ElTableColumn} prop="code" label=${t("代码", "Code")} width="140" />
          </${ElTable}>` : null}
        </div>` : null}
      </section>`;
  },
};
