// 楼长制 · 楼长任命 Appointments now serving, and a building's candidates through their steps:
// eligibility check → notice (公示) → approval.
import { reactive, onMounted } from "vue";
import { ElTable, ElTableColumn, ElTag, ElButton, ElSelect, ElOption } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes } from "@linli/console";

const OPS = doc(new URL("./appointments.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ heads: [], buildingId: null, candidates: [] });
    async function loadHeads() {
      state.heads = nodes((await query(OPS, "BuildingHeadConsoleAppointments")).buildingHeads);
      if (!state.buildingId && state.heads.length) state.buildingId = state.heads[0].buildingId;
    }
    async function loadCandidates() {
      if (!state.buildingId) return;
      state.candidates = nodes((await query(OPS, "BuildingHeadConsoleCandidates",
        { buildingId: state.buildingId })).buildingHeadCandidates);
    }
    onMounted(async () => {
      try { await loadHeads(); await loadCandidates(); } catch (e) { toast(e, "error"); }
    });
    async function step(name, row) {
      try {
        await mutate(OPS, name, { candidateId: row.id });
        toast(t("已完成", "Done"));
        await Promise.all([loadCandidates(), loadHeads()]);
      } catch (e) { toast(e, "error"); }
    }
    const buildings = () => [...new Map(state.heads.map((h) => [h.buildingId, h.buildingName]))];
    return () => html`
      <section aria-labelledby="appointments-title">
        <h1 class="page-title" id="appointments-title">${t("楼长任命", "Appointments")}</h1>
        <${ElTable} data=${state.heads} stripe>
          <${ElTableColumn} prop="buildingName" label=${t("楼栋", "Building")} />
          <${ElTableColumn} prop="residentName" label=${t("楼长", "Head")} />
          <${ElTableColumn} label=${t("角色", "Role")}>${{ default: ({ row }) => (row.role === "HEAD" ? t("楼长", "Head") : t("副楼长", "Deputy")) }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("任期", "Term")}>${{ default: ({ row }) => `${row.termStartsOn} – ${row.termEndsOn}` }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("状态", "State")}>${{ default: ({ row }) => html`<${ElTag} type=${row.serving ? "success" : "info"} effect="dark">${row.serving ? t("在任", "Serving") : t("已卸任", "Ended")}</${ElTag}>` }}</${ElTableColumn}>
        </${ElTable}>
        <h2>${t("候选人", "Candidates")}</h2>
        <div class="toolbar">
          <${ElSelect} modelValue=${state.buildingId} ariaLabel=${t("楼栋", "Building")}
            onChange=${(v) => { state.buildingId = v; loadCandidates(); }}>
            ${buildings().map(([id, name]) => html`<${ElOption} key=${id} value=${id} label=${name} />`)}
          </${ElSelect}>
        </div>
        <${ElTable} data=${state.candidates} emptyText=${t("暂无候选人", "No candidates")}>
          <${ElTableColumn} prop="residentName" label=${t("候选人", "Candidate")} />
          <${ElTableColumn} prop="methodLabel" label=${t("产生方式", "Nominated by")} />
          <${ElTableColumn} prop="status" label=${t("阶段", "Step")} />
          <${ElTableColumn} label=${t("资格", "Eligible")}>${{ default: ({ row }) => (row.eligible ? t("符合", "Yes") : row.reasons.map((r) => r.message).join("；") || t("不符合", "No")) }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("操作", "Action")} minWidth="220">${{ default: ({ row }) => html`<div class="toolbar">
            <${ElButton} size="small" onClick=${() => step("BuildingHeadConsoleCheckEligibility", row)}>${t("核查资格", "Check")}</${ElButton}>
            <${ElButton} size="small" onClick=${() => step("BuildingHeadConsoleStartNotice", row)}>${t("开始公示", "Start notice")}</${ElButton}>
            <${ElButton} size="small" type="primary" disabled=${!row.mayBeAppointed} onClick=${() => step("BuildingHeadConsoleApprove", row)}>${t("批准任命", "Approve")}</${ElButton}>
          </div>` }}</${ElTableColumn}>
        </${ElTable}>
      </section>`;
  },
};
