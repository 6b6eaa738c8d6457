// 居民 Residents: search by name, filter by tag; personal data masked; reveal one resident's ID
// number and phone on purpose, with a reason (people.reveal_pii; audited).
import { reactive, onMounted } from "vue";
import { ElTable, ElTableColumn, ElInput, ElSelect, ElOption, ElButton, ElDialog, ElForm,
  ElFormItem, ElTag, ElAlert } from "element-plus";
import { html, t, doc, query, mutate, toast, model, nodes } from "@linli/console";

const OPS = doc("console/people.graphql");
const TAGS = [["party_member", "党员", "Party member"], ["retired_cadre", "离退休干部", "Retired cadre"], ["permanent", "常住", "Permanent resident"], ["lives_alone", "独居", "Lives alone"], ["empty_nest", "空巢", "Empty nest"], ["long_term_empty_nest", "长期空巢", "Long-term empty nest"], ["widowed_orphaned_childless", "鳏寡孤独", "Widowed/orphaned/childless"], ["elderly_disabled", "老加残", "Elderly with disability"], ["disabled", "残疾", "Disabled"], ["minimum_allowance", "低保", "Minimum-living allowance"], ["extreme_poverty", "特困", "Extreme-poverty support"], ["veteran", "退役军人", "Veteran"]];

export default {
  props: ["route", "query", "page"],
  setup(props) {
    const state = reactive({ name: (props.query && props.query.q) || "", tag: "", rows: [], next: null,
                             busy: false, reveal: null, reason: "", revealed: null, error: "" });
    async function search(more = false) {
      state.busy = true;
      try {
        const data = await query(OPS, "ConsoleResidents", { name: state.name.trim() || null,
          tag: state.tag || null, after: more ? state.next : null });
        const rows = nodes(data.residents);
        state.rows = more ? state.rows.concat(rows) : rows;
        state.next = data.residents.pageInfo.hasNextPage ? data.residents.pageInfo.endCursor : null;
      } catch (e) { toast(e, "error"); } finally { state.busy = false; }
    }
    onMounted(() => search());
    async function reveal() {
      state.error = "";
      try {
        state.revealed = await mutate(OPS, "ConsoleRevealResident",
          { residentId: state.reveal.id, reason: state.reason.trim() });
      } catch (e) { state.error = e.message; }
    }
    function open(row) { state.reveal = row; state.reason = ""; state.revealed = null; state.error = ""; }
    return () => html`
      <section aria-labelledby="residents-title">
        <h1 class="page-title" id="residents-title">${t("居民", "Residents")}</h1>
        <form class="toolbar" role="search" onSubmit=${(e) => { e.preventDefault(); search(); }}>
          <${ElInput} id="resident-search" ...${model(state, "name")} clearable
            placeholder=${t("按姓名查找", "Search by name")} ariaLabel=${t("按姓名查找", "Search by name")} />
          <${ElSelect} modelValue=${state.tag} onChange=${(v) => { state.tag = v; search(); }} clearable
            placeholder=${t("按标签筛选", "Filter by tag")} ariaLabel=${t("按标签筛选", "Filter by tag")} class="tag-filter">
            ${TAGS.map(([code, zh, en]) => html`<${ElOption} key=${code} value=${code} label=${t(zh, en)} />`)}
          </${ElSelect}>
          <${ElButton} type="primary" nativeType="submit" class="search" loading=${state.busy}>${t("查找", "Search")}</${ElButton}>
        </form>
        <${ElTable} data=${state.rows} stripe class="residents" emptyText=${t("没有找到居民", "No residents found")}>
          <${ElTableColumn} prop="name" label=${t("姓名", "Name")} minWidth="90" />
          <${ElTableColumn} label=${t("住址", "Address")} minWidth="140">${{ default: ({ row }) => (row.household ? `${row.household.building ? row.household.building.name : ""} ${row.household.room}` : "—") }}</${ElTableColumn}>
          <${ElTableColumn} prop="idNumber" label=${t("身份证号（脱敏）", "ID number (masked)")} minWidth="170" />
          <${ElTableColumn} prop="phone" label=${t("手机（脱敏）", "Phone (masked)")} minWidth="120" />
          <${ElTableColumn} label=${t("标签", "Tags")} minWidth="140">${{ default: ({ row }) => row.tagLabels.map((l) => html`<${ElTag} key=${l} class="tag" type="info" effect="plain">${l}</${ElTag}>`) }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("操作", "Action")} minWidth="110">${{ default: ({ row }) => html`
            <${ElButton} size="small" class="reveal" onClick=${() => open(row)}>${t("查看完整信息", "Reveal")}</${ElButton}>` }}</${ElTableColumn}>
        </${ElTable}>
        ${state.next ? html`<${ElButton} class="more" onClick=${() => search(true)}>${t("加载更多", "Load more")}</${ElButton}>` : null}
        <${ElDialog} modelValue=${!!state.reveal} onUpdate:modelValue=${(v) => { if (!v) state.reveal = null; }}
          title=${t("查看完整个人信息", "Reveal personal data")} width="min(92vw, 480px)">
          ${{ default: () => state.reveal ? html`
            <p>${t("将记入审计，请说明理由。", "This is audited: give a reason.")} <strong>${state.reveal.name}</strong></p>
            ${state.revealed ? html`<dl class="revealed">
                <dt>${t("身份证号", "ID number")}</dt><dd class="id-number">${state.revealed.idNumber}</dd>
                <dt>${t("手机", "Phone")}</dt><dd>${state.revealed.phone || "—"}</dd>
                <dt>${t("出生日期", "Birth date")}</dt><dd>${state.revealed.birthDate}</dd>
              </dl>` : html`
              <${ElForm} labelPosition="top" onSubmit=${(e) => { e.preventDefault(); reveal(); }}>
                <${ElFormItem} label=${t("理由", "Reason")} for="reveal-reason">
                  <${ElInput} id="reveal-reason" ...${model(state, "reason")} maxlength="200" />
                </${ElFormItem}>
                ${state.error ? html`<${ElAlert} type="error" title=${state.error} showIcon closable=${false} />` : null}
                <${ElButton} type="primary" class="confirm-reveal" disabled=${!state.reason.trim()} onClick=${reveal}>${t("确认查看", "Reveal")}</${ElButton}>
              </${ElForm}>`}` : null }}
        </${ElDialog}>
      </section>`;
  },
};
