// 城市书房 · 借还台 The circulation desk (reading_rooms.circulate): pick the room; a reader's card
// (number typed or scanned: loans and holds); check out a copy by barcode; check a copy in and
// see where it goes next — back on this shelf, the hold shelf for a reader, or in transit to
// another room (a floating or a return-home network).
import { reactive, onMounted } from "vue";
import { ElInput, ElButton, ElSelect, ElOption, ElAlert, ElTable, ElTableColumn, ElTag } from "element-plus";
import { html, t, doc, query, mutate, toast, model } from "@linli/console";

const OPS = doc(new URL("./desk.graphql", import.meta.url));
const ACTIONS = { SHELF: ["上架（本书房）", "Back on the shelf here", "success"],
  HOLD_SHELF: ["放预约架", "To the hold shelf", "warning"], TRANSIT: ["在途：送往", "In transit to", "danger"] };

const WORDS = { adult: ["成人", "adult"], child: ["少儿", "child"], active: ["有效", "active"],
  suspended: ["暂停", "suspended"], expired: ["过期", "expired"], WAITING: ["排队中", "waiting"],
  IN_TRANSIT: ["配送中", "in transit"], READY: ["可取书", "ready to collect"],
  COLLECTED: ["已取", "collected"], EXPIRED: ["已过期", "expired"], CANCELLED: ["已取消", "cancelled"] };
const word = (w) => (WORDS[w] ? t(WORDS[w][0], WORDS[w][1]) : w);

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ rooms: [], roomId: "", card: "", patron: null, outCode: "", inCode: "",
                             loans: [], checkin: null, error: "" });
    onMounted(async () => {
      try {
        const data = await query(OPS, "ReadingRoomConsoleRooms");
        state.rooms = data.readingRoomNetworks.flatMap((n) => n.rooms.map((r) => ({ ...r, network: n.name })));
        if (state.rooms.length) state.roomId = state.rooms[0].id;
      } catch (e) { toast(e, "error"); }
    });
    async function patron() {
      state.error = "";
      try {
        state.patron = (await query(OPS, "ReadingRoomConsolePatron", { roomId: state.roomId, cardNumber: state.card.trim() })).readingRoomPatronStatus;
      } catch (e) { state.patron = null; state.error = e.message; }
    }
    async function checkout() {
      state.error = "";
      try {
        const out = await mutate(OPS, "ReadingRoomConsoleCheckout", { roomId: state.roomId,
          cardNumber: state.card.trim(), barcode: state.outCode.trim() });
        state.loans.unshift(out.loan);
        state.outCode = "";
        toast(t(`已借出，应还日 ${out.loan.dueOn}`, `Lent; due ${out.loan.dueOn}`));
        await patron();
      } catch (e) { state.error = e.message; }
    }
    async function checkin() {
      state.error = "";
      try {
        const out = await mutate(OPS, "ReadingRoomConsoleCheckin", { roomId: state.roomId, barcode: state.inCode.trim() });
        state.checkin = out.checkin;
        state.inCode = "";
      } catch (e) { state.checkin = null; state.error = e.message; }
    }
    const action = (c) => ACTIONS[c.action] || [c.action, c.action, "info"];
    return () => html`
      <section aria-labelledby="rr-desk-title" class="rr-desk">
        <h1 class="page-title" id="rr-desk-title">${t("借还台", "Circulation desk")}</h1>
        <div class="toolbar">
          <${ElSelect} id="rr-room" modelValue=${state.roomId} onChange=${(v) => { state.roomId = v; }} class="room-pick"
            placeholder=${t("书房", "Room")} ariaLabel=${t("服务的书房", "The room served")}>
            ${state.rooms.map((r) => html`<${ElOption} key=${r.id} class="room-option" value=${r.id} label=${r.name} />`)}
          </${ElSelect}>
        </div>
        ${state.error ? html`<${ElAlert} type="error" class="desk-error" title=${state.error} showIcon closable=${false} />` : null}
        <h2>${t("还书", "Check in")}</h2>
        <form class="toolbar" onSubmit=${(e) => { e.preventDefault(); checkin(); }}>
          <${ElInput} id="rr-in-barcode" ...${model(state, "inCode")} placeholder=${t("扫描条码", "Scan the barcode")} ariaLabel=${t("还书条码", "Barcode to check in")} />
          <${ElButton} type="primary" nativeType="submit" class="checkin" disabled=${!state.roomId}>${t("还书", "Check in")}</${ElButton}>
        </form>
        ${state.checkin ? html`<div class="board-item rr-checkin" role="status">
          <p><${ElTag} type=${action(state.checkin)[2]} class="rr-action" effect="dark">${t(action(state.checkin)[0], action(state.checkin)[1])}${state.checkin.destinationRoom ? ` ${state.checkin.destinationRoom.name}` : ""}</${ElTag}></p>
          <p><strong>${state.checkin.copy.title ? state.checkin.copy.title.title : ""}</strong> <span class="muted">${state.checkin.copy.barcode}</span></p>
          <p class="rr-instruction">${state.checkin.instruction}</p>
        </div>` : null}
        <h2>${t("借书", "Check out")}</h2>
        <form class="toolbar" onSubmit=${(e) => { e.preventDefault(); patron(); }}>
          <${ElInput} id="rr-card" ...${model(state, "card")} placeholder=${t("读者证号", "Card number")} ariaLabel=${t("读者证号", "Card number")} />
          <${ElButton} nativeType="submit" class="patron" disabled=${!state.roomId || !state.card.trim()}>${t("读者证", "Reader's card")}</${ElButton}>
        </form>
        ${state.patron ? html`<div class="board-item rr-patron">
          <p><strong>${state.patron.name}</strong> · ${state.patron.cardNumber} · ${word(state.patron.readerType)} · ${word(state.patron.status)} · ${t("有效期至", "valid until")} ${state.patron.expiresOn}</p>
          <${ElTable} data=${state.patron.loans} class="rr-loans" emptyText=${t("无在借", "Nothing on loan")}>
            <${ElTableColumn} label=${t("在借", "On loan")} minWidth="160">${{ default: ({ row }) => (row.copy && row.copy.title ? row.copy.title.title : "—") }}</${ElTableColumn}>
            <${ElTableColumn} label=${t("条码", "Barcode")} minWidth="130">${{ default: ({ row }) => (row.copy ? row.copy.barcode : "—") }}</${ElTableColumn}>
            <${ElTableColumn} prop="dueOn" label=${t("应还", "Due")} minWidth="100" />
          </${ElTable}>
          ${state.patron.holds.length ? html`<ul class="rr-holds">${state.patron.holds.map((h) => html`<li key=${h.id}>${t("预约", "Hold")}：${h.title ? h.title.title : ""} · ${word(h.status)} · ${h.pickupRoom ? h.pickupRoom.name : ""}</li>`)}</ul>` : null}
          <form class="toolbar" onSubmit=${(e) => { e.preventDefault(); checkout(); }}>
            <${ElInput} id="rr-out-barcode" ...${model(state, "outCode")} placeholder=${t("扫描条码", "Scan the barcode")} ariaLabel=${t("借出条码", "Barcode to check out")} />
            <${ElButton} type="primary" nativeType="submit" class="checkout">${t("借出", "Check out")}</${ElButton}>
          </form>
        </div>` : null}
      </section>`;
  },
};
