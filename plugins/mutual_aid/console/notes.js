// 红邻菜单 · 红便签 Anonymous notes: publish or hide (with a reason) what is pending, and answer
// the published ones in public. No author is ever kept or shown.
import { reactive, onMounted } from "vue";
import { ElButton, ElTable, ElTableColumn, ElEmpty, ElInput, ElRadioGroup, ElRadioButton }
  from "element-plus";
import { html, t, doc, query, mutate, toast, nodes, when } from "@linli/console";

const OPS = doc(new URL("./notes.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ status: "pending", rows: [], loaded: false });
    const text = reactive({});   // per note: the hide reason or the answer being typed

    async function load() {
      state.loaded = false;
      try {
        state.rows = nodes((await query(OPS, "MutualAidConsoleNotes", { status: state.status })).mutualAidNotes);
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
    }
    onMounted(load);

    async function moderate(row, publish) {
      try {
        await mutate(OPS, "MutualAidConsoleModerate", { noteId: row.id, publish, reason: text[row.id] || "" });
        toast(publish ? t("已公开", "Published") : t("已隐藏", "Hidden"));
        state.rows = state.rows.filter((r) => r.id !== row.id);
      } catch (e) { toast(e, "error"); }
    }
    async function answer(row) {
      try {
        const out = await mutate(OPS, "MutualAidConsoleAnswer", { noteId: row.id, answer: text[row.id] || "" });
        toast(t("已公开答复", "Answered in public"));
        Object.assign(row, out.note);
        text[row.id] = "";
      } catch (e) { toast(e, "error"); }
    }

    const source = (s) => (s === "paper" ? t("纸质", "paper") : t("线上", "online"));
    const box = (row, label) => html`<${ElInput} size="small" ariaLabel=${label} placeholder=${label}
      modelValue=${text[row.id] || ""} onUpdate:modelValue=${(v) => { text[row.id] = v; }} />`;

    return () => html`
      <section aria-labelledby="ma-notes-title">
        <h1 class="page-title" id="ma-notes-title">${t("红便签", "Red notes")}</h1>
        <p class="muted">${t("居民匿名留言，审核后公开；隐藏须写明理由。", "Residents' anonymous notes go public after moderation; hiding one needs a reason.")}</p>
        <div class="toolbar">
          <${ElRadioGroup} ariaLabel=${t("状态", "Status")} modelValue=${state.status}
            onChange=${(v) => { state.status = v; load(); }}>
            <${ElRadioButton} value="pending">${t("待审核", "Pending")}</${ElRadioButton}>
            <${ElRadioButton} value="published">${t("已公开", "Published")}</${ElRadioButton}>
            <${ElRadioButton} value="hidden">${t("已隐藏", "Hidden")}</${ElRadioButton}>
          </${ElRadioGroup}>
        </div>
        ${state.loaded && !state.rows.length
          ? html`<${ElEmpty} description=${t("没有便签", "No notes")} />`
          : html`<${ElTable} data=${state.rows} rowKey="id" class="notes">
              <${ElTableColumn} prop="text" label=${t("内容", "Note")} minWidth="180" />
              <${ElTableColumn} prop="topic" label=${t("主题", "Topic")} width="100" />
              <${ElTableColumn} label=${t("来源 · 日期", "Source · date")} width="140">
                ${{ default: ({ row }) => html`<span>${source(row.source)} · ${row.createdOn}</span>` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${state.status === "pending" ? t("审核", "Moderate")
                : state.status === "published" ? t("答复", "Answer") : t("隐藏理由", "Reason")} minWidth="240">
                ${{ default: ({ row }) => state.status === "pending" ? html`
                    ${box(row, t("隐藏理由（公开可不填）", "Reason to hide"))}
                    <${ElButton} size="small" type="primary" class="publish" onClick=${() => moderate(row, true)}>${t("公开", "Publish")}</${ElButton}>
                    <${ElButton} size="small" class="hide" onClick=${() => moderate(row, false)}>${t("隐藏", "Hide")}</${ElButton}>`
                  : state.status === "published" ? (row.answer
                    ? html`<span>${row.answer} <span class="muted">${when(row.answeredAt)}</span></span>`
                    : html`${box(row, t("答复内容", "Answer"))}
                      <${ElButton} size="small" type="primary" class="answer" onClick=${() => answer(row)}>${t("答复", "Answer")}</${ElButton}>`)
                  : html`<span>${row.hideReason}</span>` }}
              </${ElTableColumn}>
            </${ElTable}>`}
      </section>`;
  },
};
