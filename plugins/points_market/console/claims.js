// 积分超市 · 评议 Claims to review: approve or reject one, or record a village meeting's batch.
import { reactive, onMounted } from "vue";
import { ElButton, ElTable, ElTableColumn, ElEmpty, ElInput, ElFormItem, ElDatePicker }
  from "element-plus";
import { html, t, doc, query, mutate, toast, nodes, model } from "@linli/console";

const OPS = doc(new URL("./claims.graphql", import.meta.url));

function today() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);  // Asia/Shanghai
}

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ rows: [], loaded: false, picked: [], busy: false });
    const meeting = reactive({ heldOn: today(), members: "" });

    async function load() {
      try {
        const data = await query(OPS, "PointsMarketConsoleReviewQueue");
        state.rows = nodes(data.pointsMarketClaims);
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
    }
    onMounted(load);

    async function review(row, approve) {
      try {
        const out = await mutate(OPS, "PointsMarketConsoleReviewClaim", { claimId: row.id, approve });
        toast(approve
          ? t(`已通过，公示至 ${out.claim.noticeEndsOn}`, `Approved; on notice until ${out.claim.noticeEndsOn}`)
          : t("已驳回", "Rejected"));
        state.rows = state.rows.filter((r) => r.id !== row.id);
      } catch (e) { toast(e, "error"); }
    }

    async function recordMeeting(approve) {
      const members = meeting.members.split(/[，,、\s]+/).filter(Boolean);
      state.busy = true;
      try {
        const out = await mutate(OPS, "PointsMarketConsoleRecordMeeting", { input: {
          heldOn: meeting.heldOn, members,
          decisions: state.picked.map((r) => ({ claimId: r.id, approve })) } });
        toast(t(`已记录评议会，${out.claims.length} 项`, `Meeting recorded: ${out.claims.length} claims`));
        const done = new Set(out.claims.map((c) => c.id));
        state.rows = state.rows.filter((r) => !done.has(r.id));
        state.picked = [];
      } catch (e) { toast(e, "error"); }
      finally { state.busy = false; }
    }

    return () => html`
      <section aria-labelledby="pm-claims-title">
        <h1 class="page-title" id="pm-claims-title">${t("积分评议", "Claims to review")}</h1>
        <p class="muted">${t("逐项通过或驳回；勾选多项后可按村（居）评议会记录。通过后进入公示。",
          "Approve or reject one by one, or tick several and record the village meeting. Approved claims go on notice.")}</p>
        ${state.loaded && !state.rows.length
          ? html`<${ElEmpty} description=${t("没有待评议的申报", "Nothing to review")} />`
          : html`<${ElTable} data=${state.rows} rowKey="id" class="claims"
              onSelectionChange=${(rows) => { state.picked = rows; }}>
              <${ElTableColumn} type="selection" width="48" />
              <${ElTableColumn} prop="subjectName" label=${t("居民", "Resident")} />
              <${ElTableColumn} label=${t("事项", "Item")}>
                ${{ default: ({ row }) => html`<span>${t(row.item.nameZh, row.item.nameEn)}</span>
                  ${row.duplicate ? html` <strong class="bad">${t("（疑似重复）", "(possible duplicate)")}</strong>` : null}` }}
              </${ElTableColumn}>
              <${ElTableColumn} prop="points" label=${t("积分", "Points")} width="80" />
              <${ElTableColumn} prop="occurredOn" label=${t("发生日期", "On")} width="120" />
              <${ElTableColumn} label=${t("操作", "Action")} minWidth="170">
                ${{ default: ({ row }) => html`
                  <${ElButton} type="primary" size="small" class="approve" data-claim=${row.id}
                    onClick=${() => review(row, true)}>${t("通过", "Approve")}</${ElButton}>
                  <${ElButton} size="small" class="reject" onClick=${() => review(row, false)}>
                    ${t("驳回", "Reject")}</${ElButton}>` }}
              </${ElTableColumn}>
            </${ElTable}>`}
        <h2>${t("评议会（批量）", "Village meeting (batch)")}</h2>
        <div class="toolbar">
          <${ElFormItem} label=${t("会议日期", "Held on")} for="pm-meeting-on">
            <${ElDatePicker} id="pm-meeting-on" valueFormat="YYYY-MM-DD" ...${model(meeting, "heldOn")} />
          </${ElFormItem}>
          <${ElFormItem} label=${t("参会成员（逗号分隔）", "Members (comma-separated)")} for="pm-members">
            <${ElInput} id="pm-members" ...${model(meeting, "members")} />
          </${ElFormItem}>
        </div>
        <div class="toolbar">
          <${ElButton} type="primary" disabled=${!state.picked.length} loading=${state.busy}
            onClick=${() => recordMeeting(true)}>
            ${t(`评议通过所选 ${state.picked.length} 项`, `Approve ${state.picked.length} selected`)}</${ElButton}>
          <${ElButton} disabled=${!state.picked.length} loading=${state.busy}
            onClick=${() => recordMeeting(false)}>${t("评议驳回所选", "Reject selected")}</${ElButton}>
        </div>
      </section>`;
  },
};
