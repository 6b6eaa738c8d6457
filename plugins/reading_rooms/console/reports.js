// 城市书房 · 统计 The network's month for central staff and the county's officials
// (reading_rooms.report): per room the visits, activities, loans, overdue and the 22 classes it
// holds (a room missing any class is flagged), copies in transit between rooms, active readers.
import { reactive, onMounted } from "vue";
import { ElButton, ElInput, ElAlert, ElTable, ElTableColumn, ElTag } from "element-plus";
import { html, t, doc, query, model } from "@linli/console";

const OPS = doc(new URL("./reports.graphql", import.meta.url));

function thisMonth() {
  const d = new Date(Date.now() + 8 * 3600000);   // Asia/Shanghai
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ month: thisMonth(), report: null, names: {}, error: "" });
    async function load() {
      state.error = "";
      try {
        const data = await query(OPS, "ReadingRoomConsoleReport", { month: state.month.trim() });
        state.names = Object.fromEntries(data.readingRoomNetworks.flatMap((n) => n.rooms).map((r) => [r.id, r.name]));
        state.report = data.readingRoomReport;
      } catch (e) { state.report = null; state.error = e.message; }
    }
    onMounted(load);
    const rows = () => {
      const r = state.report;
      if (!r) return [];
      return r.collection.map((c) => ({
        room: c.roomName,
        visits: (r.visits.find((v) => v.roomId === c.roomId) || { entries: 0 }).entries,
        activities: (r.activities.find((a) => a.roomId === c.roomId) || { activities: 0 }).activities,
        loans: r.loans.filter((l) => l.roomId === c.roomId).reduce((s, l) => s + l.loans, 0),
        overdue: (r.overdue.find((o) => o.roomId === c.roomId) || { loans: 0 }).loans,
        copies: c.byClass.reduce((s, k) => s + k.copies, 0),
        missing: c.missingClasses,
      }));
    };
    const name = (id) => state.names[id] || id;
    return () => html`
      <section aria-labelledby="rr-report-title" class="rr-report">
        <h1 class="page-title" id="rr-report-title">${t("书房统计", "Network report")}</h1>
        <div class="toolbar">
          <label for="rr-month">${t("月份", "Month")}</label>
          <${ElInput} id="rr-month" style="max-width: 8rem" ...${model(state, "month")} />
          <${ElButton} class="report-load" onClick=${load}>${t("查看", "Show")}</${ElButton}>
        </div>
        ${state.error ? html`<${ElAlert} type="error" class="report-error" title=${state.error} showIcon closable=${false} />` : null}
        ${state.report ? html`<div>
          <p class="rr-active">${t("本月活跃读者", "Active readers this month")}：<strong>${state.report.activeReaders}</strong></p>
          <${ElTable} data=${rows()} class="rr-report-rooms">
            <${ElTableColumn} prop="room" label=${t("书房", "Room")} minWidth="140" />
            <${ElTableColumn} prop="visits" label=${t("到馆人次", "Visits")} minWidth="90" />
            <${ElTableColumn} prop="activities" label=${t("活动", "Activities")} minWidth="80" />
            <${ElTableColumn} prop="loans" label=${t("借阅", "Loans")} minWidth="80" />
            <${ElTableColumn} prop="overdue" label=${t("逾期", "Overdue")} minWidth="80" />
            <${ElTableColumn} prop="copies" label=${t("馆藏", "Copies")} minWidth="80" />
            <${ElTableColumn} label=${t("缺少的分类", "Classes missing")} minWidth="140">${{ default: ({ row }) => (row.missing.length
              ? html`<${ElTag} type="danger" class="missing">${row.missing.join(" ")}</${ElTag}>`
              : html`<${ElTag} type="success" class="complete">${t("22类齐全", "all 22")}</${ElTag}>`) }}</${ElTableColumn}>
          </${ElTable}>
          <h2>${t("在途", "In transit")}</h2>
          <${ElTable} data=${state.report.inTransit} class="rr-report-transit" emptyText=${t("没有在途的书", "Nothing in transit")}>
            <${ElTableColumn} label=${t("从", "From")} minWidth="120">${{ default: ({ row }) => name(row.fromRoomId) }}</${ElTableColumn}>
            <${ElTableColumn} label=${t("到", "To")} minWidth="120">${{ default: ({ row }) => name(row.toRoomId) }}</${ElTableColumn}>
            <${ElTableColumn} prop="copies" label=${t("册数", "Copies")} minWidth="80" />
          </${ElTable}>
        </div>` : null}
      </section>`;
  },
};
