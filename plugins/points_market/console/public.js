// 积分超市 · 公开排行与公示栏 A public page (no login): this year's ranking of residents who agreed
// to be named, and the 公示栏 — claims on notice today with the name masked.
import { reactive, onMounted } from "vue";
import { ElEmpty, ElButton } from "element-plus";
import { html, t, doc, query, toast } from "@linli/console";

const OPS = doc(new URL("./public.graphql", import.meta.url));

export default {
  props: ["route", "query", "page", "public"],
  setup() {
    const year = Number(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4));
    const state = reactive({ rows: [], notices: [], loaded: false,
                             rowsAfter: null, rowsMore: false, noticesAfter: null, noticesMore: false });
    // both lists are connections: a page of 20, then "more" asks for the next after the cursor
    async function moreRows() {
      const page = (await query(OPS, "PointsMarketConsolePublicRanking",
                                { year, after: state.rowsAfter })).pointsMarketPublicRanking;
      state.rows.push(...page.edges.map((e) => e.node));
      state.rowsAfter = page.pageInfo.endCursor; state.rowsMore = page.pageInfo.hasNextPage;
    }
    async function moreNotices() {
      const page = (await query(OPS, "PointsMarketConsolePublicNotices",
                                { after: state.noticesAfter })).pointsMarketPublicNotices;
      state.notices.push(...page.edges.map((e) => e.node));
      state.noticesAfter = page.pageInfo.endCursor; state.noticesMore = page.pageInfo.hasNextPage;
    }
    onMounted(async () => {
      try { await Promise.all([moreRows(), moreNotices()]); } catch (e) { toast(e, "error"); }
      state.loaded = true;
    });
    const signed = (p) => (p > 0 ? `+${p}` : `${p}`);
    return () => html`
      <section aria-labelledby="pm-public-title">
        <h1 class="page-title" id="pm-public-title">${t(`${year} 年积分榜`, `Points ranking ${year}`)}</h1>
        <p class="muted">${t("只列出同意公开的居民。", "Only residents who agreed are named.")}</p>
        ${state.loaded && !state.rows.length ? html`<${ElEmpty} description=${t("暂无排行", "No ranking yet")} />` : null}
        <div class="board-list">
          ${state.rows.map((r) => html`<div key=${r.rank + (r.name || "")} class="board-item">
            ${t(`第 ${r.rank} 名`, `No. ${r.rank}`)} · <strong>${r.name || t("（未公开）", "(not named)")}</strong> · ${r.points} ${t("分", "pts")}</div>`)}
        </div>
        ${state.rowsMore ? html`<${ElButton} class="pm-more-ranking" onClick=${() => moreRows().catch((e) => toast(e, "error"))}>${t("更多名次", "More ranks")}</${ElButton}>` : null}
      </section>
      <section aria-labelledby="pm-notice-title">
        <h2 id="pm-notice-title">${t("积分公示", "On notice")}</h2>
        <p class="muted">${t("以下申报正在公示，公示期内如有异议请向社区（村）反映。",
                             "These claims are on notice; raise any objection with the community during the notice period.")}</p>
        ${state.loaded && !state.notices.length ? html`<${ElEmpty} description=${t("暂无公示", "Nothing on notice")} />` : null}
        <div class="board-list">
          ${state.notices.map((n) => html`<div key=${n.claimId} class="board-item">
            <strong>${n.name}</strong>${n.community ? ` · ${n.community}` : ""} · ${n.itemName} ·
            <span class=${n.points < 0 ? "bad" : "ok"}>${signed(n.points)} ${t("分", "pts")}</span>
            <span class="muted"> · ${t("公示至", "on notice until")} ${n.noticeEndsOn}</span></div>`)}
        </div>
        ${state.noticesMore ? html`<${ElButton} class="pm-more-notices" onClick=${() => moreNotices().catch((e) => toast(e, "error"))}>${t("更多公示", "More on notice")}</${ElButton}>` : null}
      </section>`;
  },
};
