// 导入导出 Import a residents sheet (.xlsx; all or nothing; errors per row in a table) and export
// (masked by default; full data needs a reason and is audited).
import { reactive } from "vue";
import { ElTable, ElTableColumn, ElButton, ElAlert, ElInput, ElSwitch, ElFormItem, ElForm } from "element-plus";
import { html, t, doc, mutate, toast, model } from "@linli/console";

const OPS = doc("console/people.graphql");

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return window.btoa(text);
}

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ report: null, busy: false, full: false, reason: "", file: "" });
    async function upload(event) {
      const file = event.target.files[0];
      if (!file) return;
      state.busy = true;
      state.file = file.name;
      try {
        state.report = await mutate(OPS, "ConsoleImportResidents", { fileBase64: toBase64(await file.arrayBuffer()) });
      } catch (e) { toast(e, "error"); state.report = null; } finally {
        state.busy = false;
        event.target.value = "";
      }
    }
    async function download() {
      try {
        const out = await mutate(OPS, "ConsoleExportResidents", { full: state.full, reason: state.full ? state.reason : null });
        const bytes = Uint8Array.from(window.atob(out.contentBase64), (c) => c.charCodeAt(0));
        const url = URL.createObjectURL(new Blob([bytes], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }));
        const a = document.createElement("a");
        a.href = url; a.download = out.filename; a.click();
        setTimeout(() => URL.revokeObjectURL(url), 5000);
        toast(t(`已导出 ${out.rows} 行`, `${out.rows} rows exported`));
      } catch (e) { toast(e, "error"); }
    }
    return () => html`
      <section aria-labelledby="import-title">
        <h1 class="page-title" id="import-title">${t("导入导出居民", "Import and export residents")}</h1>
        <h2>${t("导入", "Import")}</h2>
        <p class="muted">${t("上传 .xlsx 居民表：全部有效才写入，有错误时逐行列出。", "Upload an .xlsx sheet: written only when every row is valid; errors are listed per row.")}</p>
        <label class="el-button el-button--primary upload-label" for="sheet-file">${state.busy ? t("正在导入…", "Importing…") : t("选择文件", "Choose a file")}</label>
        <input id="sheet-file" class="visually-hidden" type="file" accept=".xlsx" onChange=${upload} />
        ${state.file ? html`<span class="muted"> ${state.file}</span>` : null}
        ${state.report ? html`<div class="import-report">
          <${ElAlert} type=${state.report.imported ? "success" : "error"} showIcon closable=${false}
            title=${state.report.imported ? t("导入成功", "Imported") : t(`${state.report.errors.length} 处错误，未写入任何数据`, `${state.report.errors.length} error(s): nothing was written`)}
            description=${state.report.summary} />
          ${state.report.errors.length ? html`<${ElTable} data=${state.report.errors} class="import-errors" stripe>
            <${ElTableColumn} prop="row" label=${t("行", "Row")} width="80" />
            <${ElTableColumn} prop="column" label=${t("列", "Column")} width="120" />
            <${ElTableColumn} prop="message" label=${t("原因", "Reason")} />
          </${ElTable}>` : null}
        </div>` : null}
        <h2>${t("导出", "Export")}</h2>
        <${ElForm} labelPosition="top" class="export-form" onSubmit=${(e) => e.preventDefault()}>
          <label class="elder-toggle"><${ElSwitch} ...${model(state, "full")} ariaLabel=${t("含完整个人信息", "With full personal data")} />
            <span>${t("含完整个人信息（需说明理由，将审计）", "With full personal data (a reason; audited)")}</span></label>
          ${state.full ? html`<${ElFormItem} label=${t("理由", "Reason")} for="export-reason"><${ElInput} id="export-reason" ...${model(state, "reason")} /></${ElFormItem}>` : null}
          <${ElButton} class="export" onClick=${download}>${t("导出 .xlsx", "Export .xlsx")}</${ElButton}>
        </${ElForm}>
      </section>`;
  },
};
