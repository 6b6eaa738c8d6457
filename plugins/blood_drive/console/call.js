// 无偿献血 · 献血倡议 A public page (no login): the running campaigns' call — organisers, period,
// the office's contact — and the sessions ahead with seats left per slot. No personal data.
// Seats refresh with the button (bloodDriveSlotUpdates answers signed-in readers only).
import { reactive, onMounted } from "vue";
import { ElButton, ElEmpty } from "element-plus";
import { html, t, doc, query, toast } from "@linli/console";

const OPS = doc(new URL("./call.graphql", import.meta.url));

function hm(iso) {
  return new Date(iso).toLocaleTimeString("zh-CN",
    { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false });
}

export default {
  props: ["route", "query", "page", "public"],
  setup() {
    const state = reactive({ calls: [], loaded: false, busy: false });
    async function load() {
      state.busy = true;
      try {
        state.calls = (await query(OPS, "BloodDriveConsolePublicCalls", {})).bloodDrivePublicCalls;
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
      state.busy = false;
    }
    onMounted(load);
    const slot = (s) => html`<li key=${s.startsAt}>
      ${hm(s.startsAt)}–${hm(s.endsAt)} ·
      ${s.seatsLeft > 0 ? html`<span class="ok">${t(`余 ${s.seatsLeft} 位`, `${s.seatsLeft} seats left`)}</span>`
                        : html`<span class="muted">${t("已满", "Full")}</span>`}</li>`;
    const sessionItem = (s) => html`<div key=${s.sessionId} class="board-item">
      <strong>${s.heldOn} · ${s.siteName}</strong>
      ${s.address ? html`<div class="muted">${s.address}</div>` : null}
      <div>${t(`共余 ${s.seatsLeft} 个名额`, `${s.seatsLeft} seats left in all`)}</div>
      <ul>${s.slots.map(slot)}</ul></div>`;
    const call = (c) => html`<article key=${c.campaignId} aria-labelledby=${"bd-call-" + c.campaignId}>
      <h2 id=${"bd-call-" + c.campaignId}>${c.title}</h2>
      <p class="muted">${c.startsOn} — ${c.endsOn}${c.anchorName ? ` · ${c.anchorName}` : ""}</p>
      ${c.organisers.length ? html`<p>${t("发起单位：", "Organisers: ")}${c.organisers.join("、")}</p>` : null}
      ${c.callText.split("\n").filter((p) => p.trim()).map((p, i) => html`<p key=${i}>${p}</p>`)}
      ${c.contactName || c.contactPhones.length
        ? html`<p>${t("联系：", "Contact: ")}${c.contactName} ${c.contactPhones.join(" / ")}</p>` : null}
      <h3>${t("可预约场次", "Sessions with seats")}</h3>
      ${c.sessions.length ? html`<div class="board-list">${c.sessions.map(sessionItem)}</div>`
                          : html`<p class="muted">${t("暂无可预约场次", "No sessions with seats left")}</p>`}
    </article>`;
    return () => html`
      <section aria-labelledby="bd-call-title">
        <h1 class="page-title" id="bd-call-title">${t("无偿献血倡议", "Give blood: the call")}</h1>
        <div class="toolbar">
          <${ElButton} onClick=${load} loading=${state.busy}>${t("刷新名额", "Refresh seats")}</${ElButton}>
        </div>
        ${state.loaded && !state.calls.length ? html`<${ElEmpty} description=${t("暂无进行中的献血活动", "No campaign running")} />` : null}
        ${state.calls.map(call)}
      </section>`;
  },
};
