// 城市书房 · 自习座位 Quiet-study seats booked by two-hour slot: pick a room and a day, see each
// seat's slots (taken ones greyed), book a free one with your own card. One booking per seat and
// slot, and one seat per reader and slot — the database refuses the second.
import { reactive, onMounted } from "vue";
import { ElButton, ElSelect, ElOption, ElAlert, ElInput } from "element-plus";
import { html, t, doc, query, mutate, toast } from "@linli/console";

const OPS = doc(new URL("./seats.graphql", import.meta.url));
const SLOTS = ["08:00–10:00", "10:00–12:00", "12:00–14:00", "14:00–16:00", "16:00–18:00", "18:00–20:00"];

/** Tomorrow in Asia/Shanghai (UTC+8 all year), YYYY-MM-DD, whatever the browser's zone. */
function tomorrowInShanghai() {
  return new Date(Date.now() + 86400000 + 8 * 3600e3).toISOString().slice(0, 10);
}

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ rooms: [], roomId: "", day: tomorrowInShanghai(), error: "", booked: null });
    const state2 = reactive({ seats: null });
    async function load() {
      if (!state.rooms.length) {
        const data = await query(OPS, "ReadingRoomConsoleSeatRooms");
        state.rooms = data.readingRoomNetworks.flatMap((n) => n.rooms);
        if (state.rooms.length) state.roomId = state.rooms[0].id;
      }
      if (!state.roomId) return;
      state2.seats = (await query(OPS, "ReadingRoomConsoleSeats", { roomId: state.roomId, on: state.day })).node;
    }
    onMounted(() => load().catch((e) => { state.error = e.message; }));
    async function book(seat, slot) {
      state.error = "";
      try {
        const out = await mutate(OPS, "ReadingRoomConsoleBookSeat", { input: { seatId: seat.id, bookedOn: state.day, slot } });
        state.booked = { seat: seat.label, slot, day: out.booking.bookedOn };
        toast(t(`已预约 ${seat.label} 座 ${SLOTS[slot]}`, `Booked seat ${seat.label}, ${SLOTS[slot]}`));
        await load();
      } catch (e) { state.error = e.message; }
    }
    const room = () => (state2.seats && state2.seats.seats.length ? state2.seats : null);
    return () => html`
      <section aria-labelledby="rr-seats-title" class="rr-seats">
        <h1 class="page-title" id="rr-seats-title">${t("自习座位预约", "Book a quiet-study seat")}</h1>
        <div class="toolbar">
          <label for="rr-seat-room">${t("书房", "Room")}</label>
          <${ElSelect} id="rr-seat-room" modelValue=${state.roomId} onUpdate:modelValue=${(v) => { state.roomId = v; load().catch((e) => { state.error = e.message; }); }} style="min-width: 12rem">
            ${state.rooms.map((r) => html`<${ElOption} key=${r.id} class="seat-room-option" label=${r.name} value=${r.id} />`)}
          </${ElSelect}>
          <label for="rr-seat-day">${t("日期", "Day")}</label>
          <${ElInput} id="rr-seat-day" type="date" style="max-width: 11rem" modelValue=${state.day}
            onUpdate:modelValue=${(v) => { state.day = v; if (v) load().catch((e) => { state.error = e.message; }); }} />
        </div>
        ${state.error ? html`<${ElAlert} type="error" class="seats-error" title=${state.error} showIcon closable=${false} />` : null}
        ${state.booked ? html`<p class="rr-booked">${t("您的预约", "Your booking")}：${state.booked.day} · ${state.booked.seat} · ${SLOTS[state.booked.slot]}</p>` : null}
        ${room() ? html`<table class="rr-seat-grid">
          <caption>${room().name} · ${state.day}</caption>
          <thead><tr><th scope="col">${t("座位", "Seat")}</th>${SLOTS.map((s) => html`<th scope="col" key=${s}>${s}</th>`)}</tr></thead>
          <tbody>${room().seats.map((seat) => html`<tr key=${seat.id} data-seat=${seat.label}>
            <th scope="row">${seat.label}</th>
            ${SLOTS.map((s, i) => html`<td key=${s}>${seat.takenSlots.includes(i)
              ? html`<span class="slot-taken" data-slot=${i}>${t("已约", "Taken")}</span>`
              : html`<${ElButton} size="small" class="slot-free" data-slot=${i} aria-label=${`${t("预约", "Book")} ${seat.label} ${s}`} onClick=${() => book(seat, i)}>${t("预约", "Book")}</${ElButton}>`}</td>`)}
          </tr>`)}</tbody>
        </table>` : html`<p class="muted">${t("暂无可预约的自习座位", "No quiet-study seats to book")}</p>`}
      </section>`;
  },
};
