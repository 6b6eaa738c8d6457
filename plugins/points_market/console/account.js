// 积分超市 · 爱心储蓄本 A resident's balance, earned points, stars and statement.
import { reactive } from "vue";
import { ElCard, ElTable, ElTableColumn } from "element-plus";
import { html, t, doc, query, toast } from "@linli/console";
import { residentPicker } from "./picker.js";

const OPS = doc(new URL("./account.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ account: null });
    const picker = residentPicker(async (r) => {
      try {
        state.account = (await query(OPS, "PointsMarketConsoleAccount", { residentId: r.id })).pointsMarketAccount;
      } catch (e) { toast(e, "error"); }
    });
    return () => html`
      <section aria-labelledby="pm-account-title">
        <h1 class="page-title" id="pm-account-title">${t("居民积分", "A resident's points")}</h1>
        ${picker.view()}
        ${state.account ? html`
          <div class="cards">
            <${ElCard}><div class="muted">${t("可用积分", "Balance")}</div><div class="stat balance">${state.account.balance}</div></${ElCard}>
            <${ElCard}><div class="muted">${t("累计获得", "Earned")}</div><div class="stat">${state.account.earned}</div></${ElCard}>
            <${ElCard}><div class="muted">${t("星级", "Stars")}</div><div class="stat">${state.account.stars}</div></${ElCard}>
          </div>
          <h2>${t("积分明细", "Statement")}</h2>
          <${ElTable} data=${state.account.statement.edges.map((e) => e.node)}>
            <${ElTableColumn} prop="bookedOn" label=${t("日期", "On")} width="120" />
            <${ElTableColumn} prop="contentZh" label=${t("内容", "What")} />
            <${ElTableColumn} prop="amount" label=${t("积分", "Points")} width="90" />
          </${ElTable}>` : null}
      </section>`;
  },
};
