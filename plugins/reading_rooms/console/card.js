// 城市书房 · 我的读者证 A reader's own cards: loans with their due dates (renew one), holds and
// where to collect them. Any signed-in member may open it; it shows only the caller's cards.
import { reactive, onMounted } from "vue";
import { ElButton, ElTable, ElTableColumn, ElAlert } from "element-plus";
import { html, t, doc, query, mutate, toast } from "@linli/console";

const OPS = doc(new URL("./card.graphql", import.meta.url));
const WORDS = { adult: ["成人证", "adult card"], child: ["少儿证", "child's card"], active: ["有效", "active"],
  blocked: ["已停用", "blocked"], expired: ["已过期", "expired"], WAITING: ["排队中", "waiting"],
  IN_TRANSIT: ["配送中", "in transit"], READY: ["可取书", "ready to collect"], COLLECTED: ["已取", "collected"],
  EXPIRED: ["已过期", "expired"], CANCELLED: ["已取消", "cancelled"] };
const word = (w) => (WORDS[w] ? t(WORDS[w][0], WORDS[w][1]) : w);

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ cards: [], loaded: false, error: "" });
    async function load() {
      state.cards = (await query(OPS, "ReadingRoomConsoleMyCards")).readingRoomMyCards;
      state.loaded = true;
    }
    onMounted(() => load().catch((e) => { state.error = e.message; }));
    async function renew(loan) {
      state.error = "";
      try {
        const out = await mutate(OPS, "ReadingRoomConsoleRenew", { loanId: loan.id });
        Object.assign(loan, out.loan);
        toast(t(`已续借，应还日 ${out.loan.dueOn}`, `Renewed; due ${out.loan.dueOn}`));
      } catch (e) { state.error = e.message; }
    }
    return () => html`
      <section aria-labelledby="rr-card-title" class="rr-my-card">
        <h1 class="page-title" id="rr-card-title">${t("我的读者证", "My reader's card")}</h1>
        ${state.error ? html`<${ElAlert} type="error" class="card-error" title=${state.error} showIcon closable=${false} />` : null}
        ${state.loaded && !state.cards.length ? html`<p class="muted">${t("还没有读者证：请带身份证到任一城市书房办理。", "No card yet: bring your ID card to any reading room.")}</p>` : null}
        ${state.cards.map((c) => html`<div key=${c.id} class="board-item rr-card">
          <h2>${c.name} · ${word(c.readerType)}</h2>
          <p>${t("证号", "Card")} <strong class="card-number">${c.cardNumber}</strong> · ${word(c.status)} · ${t("有效期至", "valid until")} ${c.expiresOn}</p>
          <${ElTable} data=${c.loans} class="rr-my-loans" emptyText=${t("没有在借的书", "Nothing on loan")}>
            <${ElTableColumn} label=${t("在借", "On loan")} minWidth="150">${{ default: ({ row }) => (row.copy && row.copy.title ? row.copy.title.title : "—") }}</${ElTableColumn}>
            <${ElTableColumn} prop="dueOn" label=${t("应还", "Due")} minWidth="100" />
            <${ElTableColumn} label=${t("操作", "Action")} minWidth="90">${{ default: ({ row }) => html`<${ElButton} size="small" class="renew" onClick=${() => renew(row)}>${t("续借", "Renew")}</${ElButton}>` }}</${ElTableColumn}>
          </${ElTable}>
          ${c.holds.length ? html`<ul class="rr-my-holds">${c.holds.map((h) => html`<li key=${h.id}>${t("预约", "Hold")}：${h.title ? h.title.title : ""} · ${word(h.status)} · ${h.pickupRoom ? h.pickupRoom.name : ""}</li>`)}</ul>` : null}
        </div>`)}
      </section>`;
  },
};
