// 无偿献血 · 预约献血 A donor's bookings at another street office of a city's campaign: the staff
// who mobilise donors (or the donor) enter that street office's code, pick a slot from its public
// call (the slotId there) and book it there. The donor's street office keeps its own record of the
// booking — street office, site, date and time — and lists it here; nothing else of that office.
import { reactive, onMounted } from "vue";
import { ElButton, ElSelect, ElOption, ElEmpty, ElInput, ElTag } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes } from "@linli/console";

const OPS = doc(new URL("./book.graphql", import.meta.url));
const STATUS = { BOOKED: ["已预约", "Booked"], CANCELLED: ["已取消", "Cancelled"],
  ATTENDED: ["已到场", "Attended"], PASSED: ["已过期", "Passed"] };

function hm(iso) {
  return new Date(iso).toLocaleTimeString("zh-CN",
    { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false });
}

export default {
  props: ["route", "query", "page"],
  setup(props) {
    const state = reactive({ donors: [], donorId: null, visits: [], loaded: false, code: "",
                             calls: [], shown: "", slotId: null, busy: false });
    async function loadVisits() {
      if (!state.donorId) return;
      try {
        state.visits = nodes((await query(OPS, "BloodDriveConsoleVisits", { donorId: state.donorId })).bloodDriveVisits);
      } catch (e) { toast(e, "error"); }
    }
    onMounted(async () => {
      try {
        state.donors = nodes((await query(OPS, "BloodDriveConsoleBookDonors")).bloodDriveDonors);
        state.donorId = state.donors.length ? state.donors[0].id : null;
        await loadVisits();
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
      // ?street=CODE&slot=ID (a slot picked on that office's public call) fills the form in
      const q = props.query || {};
      if (q.street) {
        state.code = String(q.street);
        await findSessions();
        if (q.slot && slotOptions().some((o) => o.value === q.slot && !o.disabled)) state.slotId = q.slot;
      }
    });
    async function findSessions() {
      const code = state.code.trim();
      if (!code) return;
      state.busy = true;
      try {
        // that office's public call, read anonymously with its code
        state.calls = (await query(OPS, "BloodDriveConsoleOtherCall", {}, { publicNode: code })).bloodDrivePublicCalls;
        state.shown = code;
        state.slotId = null;
      } catch (e) { toast(e, "error"); state.calls = []; state.shown = ""; }
      finally { state.busy = false; }
    }
    async function book() {
      state.busy = true;
      try {
        const out = await mutate(OPS, "BloodDriveConsoleBookVisit", { input: {
          slotId: state.slotId, donorId: state.donorId, streetOfficeCode: state.shown } });
        const v = out.booking.visit;
        toast(t(`已预约：${v.streetOfficeName} ${v.siteName} ${v.heldOn} ${hm(v.startsAt)}`,
                `Booked: ${v.streetOfficeName} ${v.siteName} ${v.heldOn} ${hm(v.startsAt)}`));
        state.slotId = null;
        await loadVisits();
      } catch (e) { toast(e, "error"); }
      finally { state.busy = false; }
    }
    async function cancel(v) {
      state.busy = true;
      try {
        await mutate(OPS, "BloodDriveConsoleCancelVisit", { input: {
          bookingId: v.bookingId, streetOfficeCode: v.streetOfficeCode } });
        toast(t("预约已取消", "Booking cancelled"));
        await loadVisits();
      } catch (e) { toast(e, "error"); }
      finally { state.busy = false; }
    }
    function slotOptions() {
      return state.calls.flatMap((c) => c.sessions.flatMap((s) => s.slots.map((sl) => ({
        value: sl.slotId, disabled: sl.seatsLeft < 1,
        label: `${c.title} · ${s.heldOn} ${s.siteName} ${hm(sl.startsAt)}–${hm(sl.endsAt)}（${t("余", "free")} ${sl.seatsLeft}）` }))));
    }
    const visit = (v) => html`<div key=${v.bookingId} class="board-item visit">
      <strong>${v.heldOn} ${hm(v.startsAt)}–${hm(v.endsAt)} · ${v.streetOfficeName}</strong>
      <div>${v.siteName}${v.address ? ` · ${v.address}` : ""}</div>
      <div><${ElTag} class="visit-status">${t(...(STATUS[v.status] || [v.status, v.status]))}</${ElTag}>
        ${v.status === "BOOKED" ? html` <${ElButton} size="small" class="cancel-visit" loading=${state.busy}
          onClick=${() => cancel(v)}>${t("取消预约", "Cancel")}</${ElButton}>` : null}</div>
    </div>`;

    return () => html`
      <section aria-labelledby="bd-book-title">
        <h1 class="page-title" id="bd-book-title">${t("跨街镇预约献血", "Book at another street office")}</h1>
        <p class="muted">${t("市里的献血活动在各街镇设点：可以预约其他街镇的场次，预约记在本街镇。",
          "A city's campaign runs in every street office: book a session at another one; your own office keeps the booking.")}</p>
        ${state.loaded && !state.donors.length ? html`<${ElEmpty} description=${t("暂无献血者", "No donors")} />` : null}
        ${state.donors.length ? html`<div class="toolbar">
          <${ElSelect} modelValue=${state.donorId} ariaLabel=${t("献血者", "Donor")} filterable class="book-donor"
            onChange=${(v) => { state.donorId = v; loadVisits(); }}>
            ${state.donors.map((d) => html`<${ElOption} key=${d.id} value=${d.id} label=${`${d.nameMasked} ${d.workUnit}`} />`)}
          </${ElSelect}></div>
        <h2>${t("选择其他街镇的场次", "Pick a session at another street office")}</h2>
        <div class="toolbar">
          <${ElInput} modelValue=${state.code} onUpdate:modelValue=${(v) => { state.code = v; }} class="street-code"
            ariaLabel=${t("街镇区划代码", "Street office code")} placeholder=${t("街镇区划代码（见其献血倡议页）", "Street office code (on its call page)")} />
          <${ElButton} class="find-sessions" loading=${state.busy} onClick=${findSessions}>${t("查看场次", "Show sessions")}</${ElButton}>
        </div>
        ${state.shown ? html`<div class="toolbar">
          ${slotOptions().length ? html`<${ElSelect} modelValue=${state.slotId} ariaLabel=${t("时段", "Slot")} class="visit-slot"
              popperClass="bd-visit-slot-pop" placeholder=${t("时段", "Slot")} onChange=${(v) => { state.slotId = v; }}>
              ${slotOptions().map((o) => html`<${ElOption} key=${o.value} value=${o.value} label=${o.label} disabled=${o.disabled} />`)}
            </${ElSelect}>
            <${ElButton} type="primary" class="book-visit" disabled=${!state.slotId} loading=${state.busy}
              onClick=${book}>${t("预约", "Book")}</${ElButton}>`
            : html`<p class="muted">${t("该街镇暂无可预约场次", "No sessions with seats there")}</p>`}
        </div>` : null}
        <h2>${t("在其他街镇的预约", "Bookings at other street offices")}</h2>
        ${state.visits.length ? html`<div class="board-list visits">${state.visits.map(visit)}</div>`
          : html`<p class="muted">${t("暂无", "None yet")}</p>`}` : null}
      </section>`;
  },
};
