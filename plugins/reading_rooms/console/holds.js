// 城市书房 · 预约与配送 Holds and transfers: place a hold for a reader (find the title by words,
// pick the pickup room; cancel it at once if it was a mistake), and 统筹配送: the network's
// transfer batches (items sent and received, the printable .xlsx manifest) and a new batch.
import { reactive, onMounted } from "vue";
import { ElInput, ElButton, ElSelect, ElOption, ElAlert, ElTable, ElTableColumn } from "element-plus";
import { html, t, doc, query, mutate, toast, model, nodes, when } from "@linli/console";

const OPS = doc(new URL("./holds.graphql", import.meta.url));
const STATUS = { WAITING: ["排队中", "waiting"], IN_TRANSIT: ["配送中", "in transit"], READY: ["可取书", "ready"],
  COLLECTED: ["已取", "collected"], EXPIRED: ["已过期", "expired"], CANCELLED: ["已取消", "cancelled"] };
const status = (s) => (STATUS[s] ? t(STATUS[s][0], STATUS[s][1]) : s);

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ rooms: [], transfers: [], error: "",
      hold: { card: "", words: "", titles: [], titleId: "", roomId: "" }, placed: [],
      batch: { from: "", to: "", barcodes: "", note: "" } });
    async function load() {
      const data = await query(OPS, "ReadingRoomConsoleTransfers", {});
      state.transfers = nodes(data.readingRoomTransfers);
      state.rooms = data.readingRoomNetworks.flatMap((n) => n.rooms);
    }
    onMounted(() => load().catch((e) => toast(e, "error")));
    async function findTitles() {
      state.error = "";
      try {
        state.hold.titles = nodes((await query(OPS, "ReadingRoomConsoleTitles", { words: state.hold.words.trim() })).readingRoomSearch);
        state.hold.titleId = state.hold.titles.length ? state.hold.titles[0].id : "";
      } catch (e) { state.error = e.message; }
    }
    async function placeHold() {
      state.error = "";
      try {
        const out = await mutate(OPS, "ReadingRoomConsolePlaceHold", { titleId: state.hold.titleId,
          pickupRoomId: state.hold.roomId, cardNumber: state.hold.card.trim() });
        state.placed.unshift(out.hold);
        toast(t("已预约", "Hold placed"));
      } catch (e) { state.error = e.message; }
    }
    async function cancelHold(hold) {
      state.error = "";
      try {
        const out = await mutate(OPS, "ReadingRoomConsoleCancelHold", { holdId: hold.id });
        hold.status = out.hold.status;
        toast(t("已取消预约", "Hold cancelled"));
      } catch (e) { state.error = e.message; }
    }
    async function send() {
      state.error = "";
      try {
        const codes = state.batch.barcodes.split(/[\s,，]+/).filter(Boolean);
        const out = await mutate(OPS, "ReadingRoomConsoleCreateTransfer", { fromRoomId: state.batch.from,
          toRoomId: state.batch.to, barcodes: codes, note: state.batch.note.trim() });
        toast(t(`配送单已建，${out.transfer.items} 册`, `Transfer created: ${out.transfer.items} items`));
        state.batch.barcodes = "";
        await load();
      } catch (e) { state.error = e.message; }
    }
    async function manifest(row) {
      try {
        const b64 = (await query(OPS, "ReadingRoomConsoleManifest", { transferId: row.id })).readingRoomTransferManifest;
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const url = URL.createObjectURL(new Blob([bytes], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }));
        const a = document.createElement("a");
        a.href = url;
        a.download = `配送单-${row.fromRoom ? row.fromRoom.name : ""}-${row.toRoom ? row.toRoom.name : ""}.xlsx`;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      } catch (e) { toast(e, "error"); }
    }
    const roomSelect = (id, label, value, set) => html`<${ElSelect} id=${id} modelValue=${value} onChange=${set} class="room-pick"
      placeholder=${label} ariaLabel=${label}>
      ${state.rooms.map((r) => html`<${ElOption} key=${r.id} class=${`${id}-option`} value=${r.id} label=${r.name} />`)}
    </${ElSelect}>`;
    return () => html`
      <section aria-labelledby="rr-holds-title" class="rr-holds-page">
        <h1 class="page-title" id="rr-holds-title">${t("预约与配送", "Holds and transfers")}</h1>
        ${state.error ? html`<${ElAlert} type="error" class="holds-error" title=${state.error} showIcon closable=${false} />` : null}
        <h2>${t("为读者预约", "Place a hold for a reader")}</h2>
        <form class="toolbar" role="search" onSubmit=${(e) => { e.preventDefault(); findTitles(); }}>
          <${ElInput} id="hold-words" ...${model(state.hold, "words")} placeholder=${t("书名、作者或ISBN", "Title, author or ISBN")} ariaLabel=${t("书名、作者或ISBN", "Title, author or ISBN")} />
          <${ElButton} nativeType="submit" class="hold-find">${t("查找", "Search")}</${ElButton}>
        </form>
        ${state.hold.titles.length ? html`<form class="toolbar" onSubmit=${(e) => { e.preventDefault(); placeHold(); }}>
          <${ElSelect} id="hold-title" modelValue=${state.hold.titleId} onChange=${(v) => { state.hold.titleId = v; }} ariaLabel=${t("图书", "Title")}>
            ${state.hold.titles.map((b) => html`<${ElOption} key=${b.id} value=${b.id} label=${`${b.title} · ${b.authors}`} />`)}
          </${ElSelect}>
          ${roomSelect("hold-room", t("取书书房", "Pickup room"), state.hold.roomId, (v) => { state.hold.roomId = v; })}
          <${ElInput} id="hold-card" ...${model(state.hold, "card")} placeholder=${t("读者证号", "Card number")} ariaLabel=${t("读者证号", "Card number")} />
          <${ElButton} type="primary" nativeType="submit" class="place-hold" disabled=${!state.hold.titleId || !state.hold.roomId || !state.hold.card.trim()}>${t("预约", "Place hold")}</${ElButton}>
        </form>` : null}
        ${state.placed.length ? html`<ul class="rr-placed">${state.placed.map((h) => html`<li key=${h.id}>
          ${h.title ? h.title.title : ""} · ${h.pickupRoom ? h.pickupRoom.name : ""} · <span class="hold-status" data-status=${h.status}>${status(h.status)}</span>
          ${h.status !== "CANCELLED" ? html` <${ElButton} size="small" class="cancel-hold" onClick=${() => cancelHold(h)}>${t("取消", "Cancel")}</${ElButton}>` : null}</li>`)}</ul>` : null}
        <h2>${t("统筹配送单", "Transfers")}</h2>
        <${ElTable} data=${state.transfers} class="rr-transfers" stripe emptyText=${t("暂无配送单", "No transfers")}>
          <${ElTableColumn} label=${t("线路", "Route")} minWidth="170">${{ default: ({ row }) => `${row.fromRoom ? row.fromRoom.name : "—"} → ${row.toRoom ? row.toRoom.name : "—"}` }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("收/发", "Received/sent")} minWidth="80">${{ default: ({ row }) => `${row.received}/${row.items}` }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("建单", "Created")} minWidth="140">${{ default: ({ row }) => when(row.createdAt) }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("清单", "Manifest")} minWidth="90">${{ default: ({ row }) => html`<${ElButton} size="small" class="manifest" onClick=${() => manifest(row)}>${t("下载", "Download")}</${ElButton}>` }}</${ElTableColumn}>
        </${ElTable}>
        <h2>${t("新建配送单", "New transfer")}</h2>
        <form class="raise-form" onSubmit=${(e) => { e.preventDefault(); send(); }}>
          <div class="toolbar">
            ${roomSelect("batch-from", t("发出书房", "From room"), state.batch.from, (v) => { state.batch.from = v; })}
            ${roomSelect("batch-to", t("接收书房", "To room"), state.batch.to, (v) => { state.batch.to = v; })}
          </div>
          <${ElInput} id="batch-barcodes" type="textarea" rows=${3} ...${model(state.batch, "barcodes")} placeholder=${t("条码，每行一个", "Barcodes, one a line")} ariaLabel=${t("条码，每行一个", "Barcodes, one a line")} />
          <${ElButton} type="primary" nativeType="submit" class="send-batch" disabled=${!state.batch.from || !state.batch.to || !state.batch.barcodes.trim()}>${t("建单", "Create")}</${ElButton}>
        </form>
      </section>`;
  },
};
