// 无偿献血 · 导入献血结果 The blood station's results file (.xlsx or UTF-8 .csv, the station's
// header) into a session's campaign: imported, duplicates (already imported) and every
// rejected row with its reason in a table. Idempotent on the server (the station's record number).
import { reactive, onMounted } from "vue";
import { ElTable, ElTableColumn, ElAlert, ElSelect, ElOption } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes } from "@linli/console";

const OPS = doc(new URL("./import.graphql", import.meta.url));

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return window.btoa(text);
}

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ sessions: [], sessionId: null, report: null, busy: false, file: "" });
    onMounted(async () => {
      try {
        state.sessions = nodes((await query(OPS, "BloodDriveConsoleImportSessions")).bloodDriveSessions);
        state.sessionId = state.sessions.length ? state.sessions[0].id : null;
      } catch (e) { toast(e, "error"); }
    });
    async function upload(event) {
      const file = event.target.files[0];
      if (!file) return;
      state.busy = true;
      state.file = file.name;
      try {
        const out = await mutate(OPS, "BloodDriveConsoleImportResults",
          { fileBase64: toBase64(await file.arrayBuffer()), sessionId: state.sessionId });
        state.report = out.report;
      } catch (e) { toast(e, "error"); state.report = null; } finally {
        state.busy = false;
        event.target.value = "";
      }
    }
    const r = () => state.report;
    return () => html`
      <section aria-labelledby="bd-import-title">
        <h1 class="page-title" id="bd-import-title">${t("导入献血结果", "Import donation results")}</h1>
        <p class="muted">${t("上传血站的结果表（.xlsx 或 UTF-8 编码的 .csv；表头：血站记录号、身份证号、献血日期、结果、类型、献血量、治疗单位、暂缓原因）。已导入的记录不会重复写入；有问题的行逐行列出，其余照常导入。",
          "Upload the blood station's results (.xlsx or UTF-8 .csv with its header). Records already imported are not written again; rows with a problem are listed, the rest are imported.")}</p>
        <div class="toolbar">
          <label for="bd-import-session" class="muted">${t("采血场次", "Session")}</label>
          <${ElSelect} id="bd-import-session" modelValue=${state.sessionId} ariaLabel=${t("采血场次", "Session")} filterable
            onChange=${(v) => { state.sessionId = v; }}>
            ${state.sessions.map((s) => html`<${ElOption} key=${s.id} value=${s.id} label=${`${s.heldOn} ${s.siteName} · ${s.campaign ? s.campaign.title : ""}`} />`)}
          </${ElSelect}>
          <label class="el-button el-button--primary upload-label" for="bd-results-file">${state.busy ? t("正在导入…", "Importing…") : t("选择文件", "Choose a file")}</label>
          <input id="bd-results-file" class="visually-hidden" type="file" accept=".xlsx,.csv" onChange=${upload} />
          ${state.file ? html`<span class="muted"> ${state.file}</span>` : null}
        </div>
        ${r() ? html`<div class="import-report">
          <${ElAlert} type=${r().rejected.length ? "warning" : "success"} showIcon closable=${false}
            title=${t(`已导入 ${r().imported} 条，重复 ${r().duplicates} 条，被拒 ${r().rejected.length} 行`,
                      `${r().imported} imported, ${r().duplicates} duplicates, ${r().rejected.length} rejected`)} />
          ${r().rejected.length ? html`<${ElTable} data=${r().rejected} class="import-errors" stripe>
            <${ElTableColumn} prop="row" label=${t("行", "Row")} width="80" />
            <${ElTableColumn} prop="field" label=${t("字段", "Field")} width="130" />
            <${ElTableColumn} prop="code" label=${t("代码", "Code")} width="170" />
            <${ElTableColumn} prop="message" label=${t("原因", "Reason")} />
          </${ElTable}>` : null}
        </div>` : null}
      </section>`;
  },
};
