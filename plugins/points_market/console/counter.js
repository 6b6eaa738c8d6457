// 积分超市 · 兑换柜台 The shop counter: the shelf, redeem with a resident's points or with 信义积分卡.
import { reactive, onMounted } from "vue";
import { ElButton, ElTable, ElTableColumn, ElInput, ElFormItem, ElRadioGroup, ElRadioButton } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes, model } from "@linli/console";
import { residentPicker } from "./picker.js";

const OPS = doc(new URL("./account.graphql", import.meta.url));
const key = () => `console-${Date.now()}-${Math.random().toString(36).slice(2)}`;

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ goods: [], by: "points", serials: "", resident: null });
    const picker = residentPicker((r) => { state.resident = r; });
    async function load() {
      try { state.goods = nodes((await query(OPS, "PointsMarketConsoleShelf")).pointsMarketGoods); }
      catch (e) { toast(e, "error"); }
    }
    onMounted(load);
    async function redeem(good) {
      try {
        if (state.by === "points") {
          if (!state.resident) { toast(t("请先选择居民", "Pick a resident first"), "warning"); return; }
          const out = await mutate(OPS, "PointsMarketConsoleRedeem",
            { goodId: good.id, residentId: state.resident.id, key: key() });
          toast(t(`已兑换，扣 ${out.redemption.points} 分`, `Redeemed for ${out.redemption.points} points`));
        } else {
          const serials = state.serials.split(/[，,\s]+/).filter(Boolean);
          const out = await mutate(OPS, "PointsMarketConsoleRedeemWithCards", { goodId: good.id, serials, key: key() });
          toast(t(`已用积分卡兑换 ${out.redemption.points} 分`, `Paid ${out.redemption.points} points by card`));
          state.serials = "";
        }
        await load();
      } catch (e) { toast(e, "error"); }
    }
    return () => html`
      <section aria-labelledby="pm-counter-title">
        <h1 class="page-title" id="pm-counter-title">${t("兑换柜台", "Shop counter")}</h1>
        <${ElRadioGroup} ...${model(state, "by")} ariaLabel=${t("支付方式", "Pay with")}>
          <${ElRadioButton} value="points">${t("居民积分", "Resident's points")}</${ElRadioButton}>
          <${ElRadioButton} value="cards">${t("信义积分卡", "Point cards")}</${ElRadioButton}>
        </${ElRadioGroup}>
        ${state.by === "points" ? picker.view() : html`<div class="toolbar">
          <${ElFormItem} label=${t("积分卡编号（逗号分隔）", "Card serials (comma-separated)")} for="pm-serials">
            <${ElInput} id="pm-serials" ...${model(state, "serials")} />
          </${ElFormItem}></div>`}
        <h2>${t("货架", "Goods")}</h2>
        <${ElTable} data=${state.goods} class="goods">
          <${ElTableColumn} prop="name" label=${t("商品", "Good")} />
          <${ElTableColumn} prop="pricePoints" label=${t("所需积分", "Points")} width="90" />
          <${ElTableColumn} prop="stock" label=${t("库存", "Stock")} width="80" />
          <${ElTableColumn} label=${t("操作", "Action")} width="110">
            ${{ default: ({ row }) => html`<${ElButton} size="small" type="primary"
              disabled=${!row.active || row.stock < 1} onClick=${() => redeem(row)}>${t("兑换", "Redeem")}</${ElButton}>` }}
          </${ElTableColumn}>
        </${ElTable}>
      </section>`;
  },
};
