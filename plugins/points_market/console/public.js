// 积分超市 · 公开排行 A public page (no login): this year's ranking of residents who agreed to be named.
import { reactive, onMounted } from "vue";
import { ElEmpty } from "element-plus";
import { html, t, doc, query, toast } from "@linli/console";

const OPS = doc(new URL("./public.graphql", import.meta.url));

export default {
  props: ["route", "query", "page", "public"],
  setup() {
    const year = Number(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4));
    const state = reactive({ rows: [], loaded: false });
    onMounted(async () => {
      try { state.rows = (await query(OPS, "PointsMarketConsolePublicRanking", { year })).pointsMarketPublicRanking; }
      catch (e) { toast(e, "error"); }
      state.loaded = true;
    });
    return () => html`
      <section aria-labelledby="pm-public-title">
        <h1 class="page-title" id="pm-public-title">${t(`${year} 年积分榜`, `Points ranking ${year}`)}</h1>
        <p class="muted">${t("只列出同意公开的居民。", "Only residents who agreed are named.")}</p>
        ${state.loaded && !state.rows.length ? html`<${ElEmpty} description=${t("暂无排行", "No ranking yet")} />` : null}
        <div class="board-list">
          ${state.rows.map((r) => html`<div key=${r.rank + (r.name || "")} class="board-item">
            ${t(`第 ${r.rank} 名`, `No. ${r.rank}`)} · <strong>${r.name || t("（未公开）", "(not named)")}</strong> · ${r.points} ${t("分", "pts")}</div>`)}
        </div>
      </section>`;
  },
};
