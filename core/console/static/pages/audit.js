// 审计记录 The audit trail of the acting node, newest first, with the hash chain's verification.
import { reactive, onMounted } from "vue";
import { ElTable, ElTableColumn, ElButton, ElAlert, ElInput } from "element-plus";
import { html, t, doc, query, toast, model, nodes, when } from "@linli/console";

const OPS = doc("console/admin.graphql");

export default {
  props: ["route", "query", "page"],
  setup(props) {
    const state = reactive({ rows: [], next: null, chain: null, action: (props.query && props.query.action) || "" });
    async function load(more = false) {
      try {
        const data = await query(OPS, "ConsoleAuditTrail", { action: state.action.trim() || null, after: more ? state.next : null });
        const rows = nodes(data.auditTrail);
        state.rows = more ? state.rows.concat(rows) : rows;
        state.next = data.auditTrail.pageInfo.hasNextPage ? data.auditTrail.pageInfo.endCursor : null;
        state.chain = data.auditChainStatus;
      } catch (e) { toast(e, "error"); }
    }
    onMounted(() => load());
    const summary = (s) => { try { return JSON.stringify(s); } catch { return ""; } };
    return () => html`
      <section aria-labelledby="audit-title">
        <h1 class="page-title" id="audit-title">${t("审计记录", "Audit trail")}</h1>
        ${state.chain ? html`<${ElAlert} class="chain-state" showIcon closable=${false} type=${state.chain.ok ? "success" : "error"}
          title=${state.chain.ok ? t(`哈希链完整：已校验 ${state.chain.checked} 条（至第 ${state.chain.lastSeq} 号）`, `Hash chain intact: ${state.chain.checked} entries checked (to seq ${state.chain.lastSeq})`,
              [`记录完好，没有被改动过（核对了 ${state.chain.checked} 条）`, `The records are intact: nobody changed them (${state.chain.checked} checked)`])
            : t(`哈希链断裂于第 ${state.chain.brokenSeq} 号：${state.chain.problem}`, `Hash chain broken at seq ${state.chain.brokenSeq}: ${state.chain.problem}`,
              [`记录被改动过：第 ${state.chain.brokenSeq} 条对不上，请告诉管理员`, `The records were changed: entry ${state.chain.brokenSeq} does not match. Please tell the administrator`])} />` : null}
        <form class="toolbar" role="search" onSubmit=${(e) => { e.preventDefault(); load(); }}>
          <${ElInput} ...${model(state, "action")} clearable placeholder=${t("按操作筛选，如 people.reveal_pii", "Filter by action, e.g. people.reveal_pii")}
            ariaLabel=${t("按操作筛选", "Filter by action")} />
          <${ElButton} nativeType="submit">${t("筛选", "Filter")}</${ElButton}>
        </form>
        <${ElTable} data=${state.rows} stripe class="audit" emptyText=${t("暂无记录", "No entries")}>
          <${ElTableColumn} label=${t("时间", "When")} minWidth="150">${{ default: ({ row }) => when(row.createdAt) }}</${ElTableColumn}>
          <${ElTableColumn} prop="action" label=${t("操作", "Action", ["事项", "What"])} minWidth="150" />
          <${ElTableColumn} label=${t("操作人", "Actor")} minWidth="110">${{ default: ({ row }) => row.accountName || row.actor }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("对象", "Object")} minWidth="120">${{ default: ({ row }) => `${row.objectType} ${row.objectId}` }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("摘要", "Summary")} minWidth="220">${{ default: ({ row }) => html`<span class="summary">${summary(row.summary)}</span>` }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("入链", "Chained")} width="90">${{ default: ({ row }) => (row.chained ? t(`是 #${row.seq}`, `yes #${row.seq}`) : t("待入链", "pending")) }}</${ElTableColumn}>
        </${ElTable}>
        ${state.next ? html`<${ElButton} onClick=${() => load(true)}>${t("加载更多", "Load more")}</${ElButton}>` : null}
      </section>`;
  },
};
