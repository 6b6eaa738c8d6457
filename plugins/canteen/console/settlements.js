// 幸福食堂 · 月度结算 Monthly claims (canteen.settle): generate a month's claims from its meals,
// review them (approve, or return with a reason). The same module is the district finance's page
// canteen/payments (canteen.pay): mark an approved claim paid. Each claim shows its brackets and
// adjustments.
import { reactive, onMounted } from "vue";
import { ElButton, ElInput, ElTag, ElEmpty, ElFormItem, ElMessageBox } from "element-plus";
import { html, t, doc, query, mutate, toast, model } from "@linli/console";
import { word, yuan, thisMonth } from "./common.js";

const OPS = doc(new URL("./settlements.graphql", import.meta.url));
const TAGS = { generated: "warning", approved: "success", returned: "danger" };

export default {
  props: ["route", "query", "page"],
  setup(props) {
    const paying = props.page.route === "canteen/payments";
    const state = reactive({ month: "", rows: [], loaded: false, busy: false });
    async function load() {
      try {
        const month = state.month.trim() || null;
        state.rows = (await query(OPS, "CanteenConsoleSettlements", { month })).canteenSettlements.nodes;
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
    }
    onMounted(load);
    async function act(fn) {
      state.busy = true;
      try { await fn(); await load(); } catch (e) { if (e !== "cancel" && e !== "close") toast(e, "error"); }
      state.busy = false;
    }
    const generate = () => act(async () => {
      const month = state.month.trim() || thisMonth();
      const out = await mutate(OPS, "CanteenConsoleGenerateSettlements", { month });
      toast(t(`已生成 ${month} 结算单 ${out.written} 张`, `${out.written} claims generated for ${month}`));
    });
    const approve = (row) => act(async () => {
      await mutate(OPS, "CanteenConsoleReviewSettlement", { settlementId: row.id, approve: true, reason: "" });
      toast(t("已通过", "Approved"));
    });
    const reject = (row) => act(async () => {
      const { value } = await ElMessageBox.prompt(t("退回原因", "Why is it returned?"), t("退回结算单", "Return the claim"),
        { confirmButtonText: t("退回", "Return"), cancelButtonText: t("取消", "Cancel"), inputValidator: (v) => !!(v && v.trim()) });
      await mutate(OPS, "CanteenConsoleReviewSettlement", { settlementId: row.id, approve: false, reason: value.trim() });
      toast(t("已退回", "Returned"));
    });
    const paid = (row) => act(async () => {
      await mutate(OPS, "CanteenConsoleMarkPaid", { settlementId: row.id });
      toast(t("已标记拨付", "Marked paid"));
    });
    const claim = (row) => html`<div key=${row.id} class="board-item ct-claim">
      <p><strong>${row.canteenName}</strong> · ${row.month}
        <${ElTag} type=${TAGS[row.status] || "info"} class="ct-claim-status">${word(row.status)}</${ElTag}>
        ${row.paidOn ? html`<${ElTag} type="success" effect="plain">${t("已拨付", "Paid")} ${row.paidOn}</${ElTag}>` : null}</p>
      <p>${t("就餐", "Meals")} ${row.meals} · ${t("补贴", "subsidised")} ${row.subsidisedMeals} · ${t("合计", "total")} <strong>${yuan(row.totalFen)}</strong>
        ${row.adjustmentFen ? html`<span class="muted"> · ${t("含以往月份调整", "incl. adjustments")} ${yuan(row.adjustmentFen)}</span>` : null}</p>
      ${row.lines.length ? html`<p class="muted">${row.lines.map((l) => `${l.bracket}: ${l.meals} · ${yuan(l.fen)}`).join("；")}</p>` : null}
      ${row.returnReason ? html`<p class="bad">${t("退回原因：", "Returned: ")}${row.returnReason}</p>` : null}
      <div class="toolbar">
        ${!paying && row.status === "generated" ? html`
          <${ElButton} type="primary" class="approve" disabled=${state.busy} onClick=${() => approve(row)}>${t("通过", "Approve")}</${ElButton}>
          <${ElButton} class="return" disabled=${state.busy} onClick=${() => reject(row)}>${t("退回", "Return")}</${ElButton}>` : null}
        ${paying && row.status === "approved" && !row.paidOn ? html`
          <${ElButton} class="mark-paid" disabled=${state.busy} onClick=${() => paid(row)}>${t("标记已拨付", "Mark paid")}</${ElButton}>` : null}
      </div>
    </div>`;
    return () => html`
      <section aria-labelledby="ct-claims-title" class="ct-claims">
        <h1 class="page-title" id="ct-claims-title">${paying ? t("结算拨付", "Claims to pay") : t("月度结算", "Monthly claims")}</h1>
        <form class="toolbar" onSubmit=${(e) => { e.preventDefault(); load(); }}>
          <${ElFormItem} label=${t("月份（YYYY-MM，空为全部）", "Month (YYYY-MM, empty: all)")} for="ct-month">
            <${ElInput} id="ct-month" ...${model(state, "month")} placeholder=${thisMonth()} />
          </${ElFormItem}>
          <${ElButton} nativeType="submit" class="filter">${t("查看", "Show")}</${ElButton}>
          ${paying ? null : html`<${ElButton} type="primary" class="generate" disabled=${state.busy} onClick=${generate}>${t("生成结算单", "Generate claims")}</${ElButton}>`}
        </form>
        ${state.loaded && !state.rows.length ? html`<${ElEmpty} description=${t("没有结算单", "No claims")} />` : null}
        <div class="ct-claim-list">${state.rows.map(claim)}</div>
      </section>`;
  },
};
