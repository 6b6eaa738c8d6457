// 楼长制 · 走访（手机）A head's phone view: pick a household still to visit, confirm — two taps.
import { reactive, onMounted } from "vue";
import { ElButton, ElDialog, ElEmpty, ElSelect, ElOption, ElTag } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes } from "@linli/console";

const OPS = doc(new URL("./visits.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ buildings: [], buildingId: null, rows: [], chosen: null, busy: false,
                             loaded: false, done: 0 });

    async function loadHouseholds() {
      if (!state.buildingId) return;
      const data = await query(OPS, "BuildingHeadConsoleOverdue", { buildingId: state.buildingId });
      state.rows = nodes(data.buildingHeadOverdue);
      state.loaded = true;
    }

    onMounted(async () => {
      try {
        const data = await query(OPS, "BuildingHeadConsoleMyBuildings");
        const seen = new Map();
        for (const a of nodes(data.buildingHeads)) {
          if (a.serving && !seen.has(a.buildingId)) seen.set(a.buildingId, a.buildingName);
        }
        state.buildings = [...seen].map(([id, name]) => ({ id, name }));
        state.buildingId = state.buildings.length ? state.buildings[0].id : null;
        await loadHouseholds();
      } catch (e) {
        toast(e, "error");
      }
      state.loaded = true;
    });

    async function confirm() {
      state.busy = true;
      try {
        const out = await mutate(OPS, "BuildingHeadConsoleLogVisit",
          { householdId: state.chosen.householdId });
        toast(t(`已登记走访：${out.visit.room}`, `Visit logged: ${out.visit.room}`));
        state.rows = state.rows.filter((r) => r.householdId !== state.chosen.householdId);
        state.done += 1;
        state.chosen = null;
      } catch (e) {
        toast(e, "error");
      } finally {
        state.busy = false;
      }
    }

    return () => html`
      <section aria-labelledby="visits-title" class="visits">
        <h1 class="page-title" id="visits-title">${t("登记走访", "Log a visit")}</h1>
        ${state.buildings.length > 1 ? html`
          <div class="toolbar">
            <${ElSelect} modelValue=${state.buildingId} ariaLabel=${t("楼栋", "Building")}
              onChange=${(v) => { state.buildingId = v; loadHouseholds(); }}>
              ${state.buildings.map((b) => html`<${ElOption} key=${b.id} value=${b.id} label=${b.name} />`)}
            </${ElSelect}>
          </div>` : null}
        <p class="muted">${t("点一户，再点“确认已上门走访”。", "Tap a household, then “Confirm visit”.")}
          ${state.done ? t(` 本次已登记 ${state.done} 户。`, ` ${state.done} logged now.`) : ""}</p>
        ${state.loaded && !state.rows.length
          ? html`<${ElEmpty} description=${t("本年度走访已全部完成", "Every household is visited this year")} />`
          : html`<div class="big-buttons">
              ${state.rows.map((r) => html`
                <${ElButton} key=${r.householdId} class="household" data-household=${r.householdId}
                  onClick=${() => { state.chosen = r; }}>
                  ${r.address}
                  ${r.special ? html`<${ElTag} type="danger" effect="dark" class="special">${t("特殊家庭", "Special household")}</${ElTag}>` : null}
                </${ElButton}>`)}
            </div>`}
        <${ElDialog} modelValue=${!!state.chosen} onUpdate:modelValue=${(v) => { if (!v) state.chosen = null; }}
          title=${t("确认走访", "Confirm the visit")} width="min(92vw, 420px)" alignCenter>
          ${{
            default: () => html`<p class="confirm-text">${state.chosen ? state.chosen.address : ""}</p>
              <p class="muted">${t("今天，上门走访", "Today, in person")}</p>`,
            footer: () => html`<div class="big-buttons">
              <${ElButton} type="primary" class="confirm-visit" loading=${state.busy} onClick=${confirm}>
                ${t("确认已上门走访", "Confirm visit")}</${ElButton}>
              <${ElButton} onClick=${() => { state.chosen = null; }}>${t("取消", "Cancel")}</${ElButton}>
            </div>`,
          }}
        </${ElDialog}>
      </section>`;
  },
};
