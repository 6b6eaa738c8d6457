// 积分超市 · 公示 The notice list: claims on notice and the objections to decide.
import { reactive, onMounted } from "vue";
import { ElButton, ElEmpty } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes } from "@linli/console";

const OPS = doc(new URL("./notices.graphql", import.meta.url));
const STATUS = { open: ["待处理", "Open"], upheld: ["已支持", "Upheld"], dismissed: ["已驳回", "Dismissed"] };

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ rows: [], loaded: false });
    async function load() {
      try {
        state.rows = nodes((await query(OPS, "PointsMarketConsoleNotices")).pointsMarketClaims);
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
    }
    onMounted(load);
    async function decide(o, uphold) {
      try {
        const out = await mutate(OPS, "PointsMarketConsoleDecideObjection", { objectionId: o.id, uphold });
        o.status = out.objection.status;
        toast(uphold ? t("异议成立，申报已撤销", "Upheld: the claim is cancelled") : t("异议不成立", "Dismissed"));
        if (uphold) await load();
      } catch (e) { toast(e, "error"); }
    }
    const label = (s) => t(...(STATUS[s] || [s, s]));
    return () => html`
      <section aria-labelledby="pm-notices-title">
        <h1 class="page-title" id="pm-notices-title">${t("积分公示", "On notice")}</h1>
        ${state.loaded && !state.rows.length
          ? html`<${ElEmpty} description=${t("没有公示中的积分", "Nothing on notice")} />` : null}
        <div class="board-list">
          ${state.rows.map((c) => html`
            <div key=${c.id} class="board-item">
              <strong>${c.subjectName}</strong> · ${t(c.item.nameZh, c.item.nameEn)} · ${c.points} ${t("分", "pts")}
              <div class="muted">${t("公示期", "Notice")} ${c.noticeStartsOn} – ${c.noticeEndsOn}</div>
              ${c.objections.length ? html`<ul>
                ${c.objections.map((o) => html`<li key=${o.id}>
                  ${t("异议", "Objection")}：${o.text} (${o.anonymous ? t("匿名", "anonymous") : t("署名", "named")})
                  <strong class=${o.status === "open" ? "bad" : "muted"}>［${label(o.status)}］</strong>
                  ${o.status === "open" ? html`
                    <${ElButton} size="small" type="danger" onClick=${() => decide(o, true)}>${t("异议成立", "Uphold")}</${ElButton}>
                    <${ElButton} size="small" onClick=${() => decide(o, false)}>${t("不成立", "Dismiss")}</${ElButton}>` : null}
                </li>`)}
              </ul>` : html`<div class="muted">${t("无异议", "No objections")}</div>`}
            </div>`)}
        </div>
      </section>`;
  },
};
