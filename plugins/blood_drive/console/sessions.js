// 无偿献血 · 场次与签到 Sessions and slots with their bookings; check a donor in, enter the result.
import { reactive, onMounted } from "vue";
import { ElButton, ElSelect, ElOption, ElTable, ElTableColumn, ElEmpty, ElDialog, ElFormItem,
  ElRadioGroup, ElRadioButton } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes, when, model } from "@linli/console";

const OPS = doc(new URL("./sessions.graphql", import.meta.url));
const STATUS = { BOOKED: ["已预约", "Booked"], CANCELLED: ["已取消", "Cancelled"], CHECKED_IN: ["已签到", "Checked in"],
  DONATED: ["已献血", "Donated"], DEFERRED: ["暂缓献血", "Deferred"],
  ATTENDED: ["已到场", "Attended"], NO_SHOW: ["未到场", "No show"] };
const DEFERRALS = [["hemoglobin", "血红蛋白", "Haemoglobin"], ["blood_pressure", "血压", "Blood pressure"],
  ["pulse", "脉搏", "Pulse"], ["temperature", "体温", "Temperature"], ["weight", "体重", "Weight"],
  ["recent_illness", "近期患病", "Recent illness"], ["medication", "用药", "Medication"],
  ["vein", "血管条件", "Veins"], ["other", "其他", "Other"]];
const hm = (iso) => { const m = when(iso).match(/\d{1,2}:\d{2}/); return m ? m[0] : ""; };

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ sessions: [], id: null, bookings: [], loaded: false, result: null, busy: false,
                             donors: [], book: { donorId: null, slotId: null } });
    const form = reactive({ outcome: "DONATED", volumeMl: 400, deferralCode: "hemoglobin" });
    const current = () => state.sessions.find((s) => s.id === state.id);

    async function loadBookings() {
      if (!state.id) return;
      try {
        state.bookings = nodes((await query(OPS, "BloodDriveConsoleBookings", { sessionId: state.id })).bloodDriveBookings);
      } catch (e) { toast(e, "error"); }
    }
    onMounted(async () => {
      try {
        state.sessions = nodes((await query(OPS, "BloodDriveConsoleSessions")).bloodDriveSessions);
        state.id = state.sessions.length ? state.sessions[0].id : null;
        await loadBookings();
        state.donors = nodes((await query(OPS, "BloodDriveConsoleDonorChoices")).bloodDriveDonors);
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
    });

    async function reloadSessions() {
      state.sessions = nodes((await query(OPS, "BloodDriveConsoleSessions")).bloodDriveSessions);
    }
    async function book() {
      try {
        await mutate(OPS, "BloodDriveConsoleBook", { slotId: state.book.slotId, donorId: state.book.donorId });
        toast(t("已预约", "Booked"));
        state.book.donorId = null;
        await reloadSessions();
        await loadBookings();
      } catch (e) { toast(e, "error"); }
    }
    async function checkIn(row) {
      try {
        const out = await mutate(OPS, "BloodDriveConsoleCheckIn", { bookingId: row.id });
        toast(t(`已签到：${row.donor ? row.donor.nameMasked : ""}`, "Checked in"));
        if (out.booking.status) await loadBookings();
      } catch (e) { toast(e, "error"); }
    }
    async function record() {
      state.busy = true;
      const row = state.result;
      try {
        const input = { bookingId: row.id, outcome: form.outcome,
          volumeMl: form.outcome === "DONATED" ? form.volumeMl : 0,
          units: 0,  // whole blood is measured in mL (platelets are entered from the station's sheet)
          deferralCode: form.outcome === "DEFERRED" ? (form.deferralCode || null) : null };
        await mutate(OPS, "BloodDriveConsoleRecordResult", { input });
        toast(t("结果已录入", "Result recorded"));
        state.result = null;
        await loadBookings();
      } catch (e) { toast(e, "error"); }
      finally { state.busy = false; }
    }

    return () => {
      const s = current();
      return html`
      <section aria-labelledby="bd-sessions-title">
        <h1 class="page-title" id="bd-sessions-title">${t("采血场次与签到", "Sessions and check-in")}</h1>
        ${state.loaded && !state.sessions.length ? html`<${ElEmpty} description=${t("暂无场次", "No sessions")} />` : null}
        ${state.sessions.length ? html`<div class="toolbar">
          <${ElSelect} modelValue=${state.id} ariaLabel=${t("场次", "Session")}
            onChange=${(v) => { state.id = v; loadBookings(); }}>
            ${state.sessions.map((x) => html`<${ElOption} key=${x.id} value=${x.id} label=${`${x.heldOn} ${x.siteName}`} />`)}
          </${ElSelect}></div>` : null}
        ${s ? html`<p class="muted">${s.campaign ? s.campaign.title : ""} · ${s.address}</p>
          <div class="slots">${s.slots.map((sl) => html`<p key=${sl.id} class="slot">
            ${t("时段", "Slot")} ${hm(sl.startsAt)}–${hm(sl.endsAt)}：${t("已约", "booked")} <strong>${sl.booked}/${sl.capacity}</strong>，
            ${t(`余 ${sl.available} 个`, `${sl.available} free`)}</p>`)}</div>` : null}
        ${s ? html`<div class="toolbar book">
          <${ElSelect} modelValue=${state.book.slotId} ariaLabel=${t("预约时段", "Slot to book")}
            placeholder=${t("时段", "Slot")} class="book-slot" popperClass="bd-slot-pop" onChange=${(v) => { state.book.slotId = v; }}>
            ${s.slots.map((sl) => html`<${ElOption} key=${sl.id} value=${sl.id} disabled=${sl.available < 1}
              label=${`${hm(sl.startsAt)}–${hm(sl.endsAt)}（${t("余", "free")} ${sl.available}）`} />`)}
          </${ElSelect}>
          <${ElSelect} modelValue=${state.book.donorId} ariaLabel=${t("献血者", "Donor")} filterable
            placeholder=${t("献血者", "Donor")} class="book-donor" popperClass="bd-donor-pop" onChange=${(v) => { state.book.donorId = v; }}>
            ${state.donors.map((d) => html`<${ElOption} key=${d.id} value=${d.id} label=${`${d.nameMasked} ${d.workUnit}`} />`)}
          </${ElSelect}>
          <${ElButton} type="primary" class="book-button" disabled=${!state.book.slotId || !state.book.donorId}
            onClick=${book}>${t("为其预约", "Book")}</${ElButton}>
        </div>` : null}
        <h2>${t("预约", "Bookings")}</h2>
        <${ElTable} data=${state.bookings} class="bookings">
          <${ElTableColumn} label=${t("献血者", "Donor")}>${{ default: ({ row }) => row.donor ? row.donor.nameMasked : "" }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("单位", "Unit")}>${{ default: ({ row }) => row.donor ? row.donor.workUnit : "" }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("时段", "Slot")} width="120">${{ default: ({ row }) => row.slot ? `${hm(row.slot.startsAt)}–${hm(row.slot.endsAt)}` : "" }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("状态", "Status")} width="100">${{ default: ({ row }) => html`<span class="booking-status">${t(...(STATUS[row.status] || [row.status, row.status]))}</span>` }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("操作", "Action")} minWidth="120">
            ${{ default: ({ row }) => row.status === "BOOKED"
              ? html`<${ElButton} size="small" type="primary" class="check-in" onClick=${() => checkIn(row)}>${t("签到", "Check in")}</${ElButton}>`
              : row.status === "CHECKED_IN"
                ? html`<${ElButton} size="small" class="enter-result" onClick=${() => { state.result = row; }}>${t("录入结果", "Enter result")}</${ElButton}>`
                : null }}
          </${ElTableColumn}>
        </${ElTable}>
        <${ElDialog} modelValue=${!!state.result} onUpdate:modelValue=${(v) => { if (!v) state.result = null; }}
          class="result-dialog" title=${t("录入献血结果", "Enter the result")} width="min(92vw, 440px)" alignCenter>
          ${{
            default: () => html`
              <${ElRadioGroup} ...${model(form, "outcome")} ariaLabel=${t("结果", "Outcome")}>
                <${ElRadioButton} value="DONATED">${t("已献血", "Donated")}</${ElRadioButton}>
                <${ElRadioButton} value="DEFERRED">${t("暂缓", "Deferred")}</${ElRadioButton}>
              </${ElRadioGroup}>
              ${form.outcome === "DONATED" ? html`<${ElFormItem} label=${t("献血量(ml)", "Volume (ml)")} for="bd-volume">
                <${ElRadioGroup} id="bd-volume" ariaLabel=${t("献血量(ml)", "Volume (ml)")} ...${model(form, "volumeMl")}>
                  ${[200, 300, 400].map((v) => html`<${ElRadioButton} key=${v} value=${v}>${v}</${ElRadioButton}>`)}
                </${ElRadioGroup}>
              </${ElFormItem}>` : html`<${ElFormItem} label=${t("暂缓原因", "Deferral reason")} for="bd-deferral">
                <${ElSelect} id="bd-deferral" ariaLabel=${t("暂缓原因", "Deferral reason")} ...${model(form, "deferralCode")}>
                  ${DEFERRALS.map(([v, zh, en]) => html`<${ElOption} key=${v} value=${v} label=${t(zh, en)} />`)}
                </${ElSelect}>
              </${ElFormItem}>`}`,
            footer: () => html`<${ElButton} type="primary" class="save-result" loading=${state.busy} onClick=${record}>${t("保存", "Save")}</${ElButton}>
              <${ElButton} onClick=${() => { state.result = null; }}>${t("取消", "Cancel")}</${ElButton}>`,
          }}
        </${ElDialog}>
      </section>`;
    };
  },
};
