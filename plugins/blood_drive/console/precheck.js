// 无偿献血 · 献血前健康征询 A donor's pre-checks: outcome and reasons; the health answers are
// never shown unless revealed on purpose with a reason (audited by the server).
import { reactive, onMounted } from "vue";
import { ElButton, ElSelect, ElOption, ElEmpty, ElDialog, ElFormItem, ElInput } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes, model } from "@linli/console";

const OPS = doc(new URL("./precheck.graphql", import.meta.url));
const OUTCOME = { ELIGIBLE: ["可以献血", "Eligible"], ELIGIBLE_FROM: ["届时可献血", "Eligible from"],
  NOT_ELIGIBLE: ["暂不宜献血", "Not eligible"] };
const yes = (b) => (b ? t("是", "yes") : t("否", "no"));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ donors: [], donorId: null, checks: [], loaded: false, revealing: null,
                             answers: {}, busy: false });
    const form = reactive({ reason: "" });
    async function loadChecks() {
      if (!state.donorId) return;
      try {
        state.checks = nodes((await query(OPS, "BloodDriveConsolePrechecks", { donorId: state.donorId })).bloodDrivePrechecks);
      } catch (e) { toast(e, "error"); }
    }
    onMounted(async () => {
      try {
        state.donors = nodes((await query(OPS, "BloodDriveConsoleDonors")).bloodDriveDonors);
        state.donorId = state.donors.length ? state.donors[0].id : null;
        await loadChecks();
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
    });
    async function reveal() {
      state.busy = true;
      try {
        const out = await mutate(OPS, "BloodDriveConsoleRevealPrecheck",
          { precheckId: state.revealing.id, reason: form.reason });
        state.answers[state.revealing.id] = out.precheck.answers;
        state.revealing = null;
        form.reason = "";
        toast(t("已查看（已记入审计）", "Revealed (audited)"));
      } catch (e) { toast(e, "error"); }
      finally { state.busy = false; }
    }
    const answers = (a) => html`<dl class="answers">
      <dt>${t("体重(kg)", "Weight (kg)")}</dt><dd>${a.weightKg}</dd>
      <dt>${t("自觉健康", "Feeling well")}</dt><dd>${yes(a.feelingWell)}</dd>
      <dt>${t("曾有献血不良反应", "Adverse reaction before")}</dt><dd>${yes(a.adverseReactionBefore)}</dd>
      <dt>${t("上次献血", "Last donation")}</dt><dd>${a.lastDonationOn || t("无", "none")}</dd>
    </dl>`;

    return () => html`
      <section aria-labelledby="bd-precheck-title">
        <h1 class="page-title" id="bd-precheck-title">${t("献血前健康征询", "Pre-donation check")}</h1>
        <p class="muted">${t("健康回答默认不显示；查看须填写事由，并记入审计。",
          "Health answers stay hidden; seeing them needs a reason and is audited.")}</p>
        ${state.loaded && !state.donors.length ? html`<${ElEmpty} description=${t("暂无献血者", "No donors")} />` : null}
        ${state.donors.length ? html`<div class="toolbar">
          <${ElSelect} modelValue=${state.donorId} ariaLabel=${t("献血者", "Donor")} filterable
            onChange=${(v) => { state.donorId = v; loadChecks(); }}>
            ${state.donors.map((d) => html`<${ElOption} key=${d.id} value=${d.id} label=${`${d.nameMasked} ${d.workUnit}`} />`)}
          </${ElSelect}></div>` : null}
        ${state.loaded && state.donorId && !state.checks.length
          ? html`<p class="muted">${t("该献血者尚无健康征询记录", "No pre-check for this donor yet")}</p>` : null}
        <div class="board-list">${state.checks.map((c) => html`<div key=${c.id} class="board-item precheck">
          <strong>${c.checkedOn}</strong> · <span class=${c.outcome === "ELIGIBLE" ? "ok" : "bad"}>${t(...(OUTCOME[c.outcome] || [c.outcome, c.outcome]))}</span>
          ${c.eligibleOn ? html` · ${t("可献血日期", "Eligible on")} ${c.eligibleOn}` : null}
          ${c.reasons.length ? html`<ul>${c.reasons.map((r) => html`<li key=${r.code}>${r.message}</li>`)}</ul>` : null}
          ${state.answers[c.id] ? answers(state.answers[c.id])
            : html`<${ElButton} size="small" class="reveal" onClick=${() => { state.revealing = c; }}>${t("查看健康回答", "Show answers")}</${ElButton}>`}
        </div>`)}</div>
        <${ElDialog} modelValue=${!!state.revealing} onUpdate:modelValue=${(v) => { if (!v) state.revealing = null; }}
          title=${t("查看健康回答", "Show the health answers")} width="min(92vw, 440px)" alignCenter>
          ${{
            default: () => html`<${ElFormItem} label=${t("查看事由", "Reason")} for="bd-reveal-reason">
              <${ElInput} id="bd-reveal-reason" ...${model(form, "reason")} />
            </${ElFormItem}>`,
            footer: () => html`<${ElButton} type="primary" class="confirm-reveal" disabled=${!form.reason.trim()}
                loading=${state.busy} onClick=${reveal}>${t("查看", "Show")}</${ElButton}>
              <${ElButton} onClick=${() => { state.revealing = null; }}>${t("取消", "Cancel")}</${ElButton}>`,
          }}
        </${ElDialog}>
      </section>`;
  },
};
