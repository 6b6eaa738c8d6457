// 积分超市 · 货架管理 Goods stocking: add a good (value, points price, stock, per-person limit),
// change one, restock. Stock is only ever added here (the counter takes it away).
import { reactive, onMounted } from "vue";
import { ElButton, ElTable, ElTableColumn, ElInput, ElInputNumber, ElFormItem, ElSwitch, ElEmpty }
  from "element-plus";
import { html, t, doc, query, mutate, toast, nodes, model } from "@linli/console";

const OPS = doc(new URL("./goods.graphql", import.meta.url));

function blank() {
  return { goodId: null, name: "", valueYuan: 0, pricePoints: 1, stock: 0, limit: 0, active: true };
}

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ rows: [], loaded: false, busy: false, restock: {} });
    const form = reactive(blank());

    async function load() {
      try { state.rows = nodes((await query(OPS, "PointsMarketConsoleGoods")).pointsMarketGoods); }
      catch (e) { toast(e, "error"); }
      state.loaded = true;
    }
    onMounted(load);

    function edit(row) {
      Object.assign(form, { goodId: row.id, name: row.name, valueYuan: row.valueFen / 100,
        pricePoints: row.pricePoints, stock: 0, limit: row.perPersonLimit || 0, active: row.active });
    }

    async function save() {
      state.busy = true;
      try {
        const out = await mutate(OPS, "PointsMarketConsoleSaveGood", { input: {
          goodId: form.goodId, name: form.name, valueFen: Math.round(form.valueYuan * 100),
          pricePoints: form.pricePoints, stock: form.stock,
          perPersonLimit: form.limit > 0 ? form.limit : null, active: form.active } });
        toast(form.goodId ? t(`已保存：${out.good.name}`, `Saved: ${out.good.name}`)
          : t(`已上架：${out.good.name}`, `Added: ${out.good.name}`));
        Object.assign(form, blank());
        await load();
      } catch (e) { toast(e, "error"); }
      finally { state.busy = false; }
    }

    async function restock(row) {
      const quantity = state.restock[row.id] || 0;
      if (quantity < 1) { toast(t("请填写进货数量", "Enter how many arrived"), "warning"); return; }
      try {
        const out = await mutate(OPS, "PointsMarketConsoleRestockGood", { goodId: row.id, quantity });
        row.stock = out.good.stock;
        state.restock[row.id] = 0;
        toast(t(`已进货，库存 ${out.good.stock}`, `Restocked: ${out.good.stock} in stock`));
      } catch (e) { toast(e, "error"); }
    }

    return () => html`
      <section aria-labelledby="pm-goods-title">
        <h1 class="page-title" id="pm-goods-title">${t("货架管理", "Goods and stock")}</h1>
        <p class="muted">${t("上架商品并设定积分价格、库存和每人每季度限兑；到货后进货。",
          "Add goods with their points price, stock and per-person limit per quarter; restock when goods arrive.")}</p>
        ${state.loaded && !state.rows.length
          ? html`<${ElEmpty} description=${t("货架上还没有商品", "No goods yet")} />`
          : html`<${ElTable} data=${state.rows} rowKey="id" class="goods">
              <${ElTableColumn} prop="name" label=${t("商品", "Good")} minWidth="120" />
              <${ElTableColumn} label=${t("价值（元）", "Value (yuan)")} width="100">
                ${{ default: ({ row }) => html`<span>${(row.valueFen / 100).toFixed(2)}</span>` }}
              </${ElTableColumn}>
              <${ElTableColumn} prop="pricePoints" label=${t("积分价格", "Points")} width="90" />
              <${ElTableColumn} label=${t("库存", "Stock")} width="80">
                ${{ default: ({ row }) => html`<span class="stock" data-good=${row.name}>${row.stock}</span>` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${t("每人限兑", "Limit")} width="90">
                ${{ default: ({ row }) => html`<span>${row.perPersonLimit ?? t("不限", "none")}</span>` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${t("进货", "Restock")} minWidth="230">
                ${{ default: ({ row }) => html`<div class="toolbar">
                  <${ElInputNumber} size="small" min=${0} max=${100000} class="restock-qty"
                    ariaLabel=${t(`${row.name} 进货数量`, `${row.name}: items arrived`)}
                    ...${model(state.restock, row.id)} />
                  <${ElButton} size="small" type="primary" class="restock" data-good=${row.name}
                    onClick=${() => restock(row)}>${t("进货", "Restock")}</${ElButton}>
                  <${ElButton} size="small" class="edit" onClick=${() => edit(row)}>${t("修改", "Edit")}</${ElButton}>
                </div>` }}
              </${ElTableColumn}>
            </${ElTable}>`}
        <h2>${form.goodId ? t("修改商品", "Change a good") : t("上架新商品", "Add a good")}</h2>
        <div class="toolbar goods-form">
          <${ElFormItem} label=${t("名称", "Name")} for="pm-good-name">
            <${ElInput} id="pm-good-name" ...${model(form, "name")} />
          </${ElFormItem}>
          <${ElFormItem} label=${t("价值（元）", "Value (yuan)")} for="pm-good-value">
            <${ElInputNumber} id="pm-good-value" min=${0} precision=${2} step=${1} ...${model(form, "valueYuan")} />
          </${ElFormItem}>
          <${ElFormItem} label=${t("积分价格", "Points price")} for="pm-good-price">
            <${ElInputNumber} id="pm-good-price" min=${1} ...${model(form, "pricePoints")} />
          </${ElFormItem}>
          <${ElFormItem} label=${form.goodId ? t("增加库存", "Add to stock") : t("库存", "Stock")} for="pm-good-stock">
            <${ElInputNumber} id="pm-good-stock" min=${0} ...${model(form, "stock")} />
          </${ElFormItem}>
          <${ElFormItem} label=${t("每人每季度限兑（0 为不限）", "Per person per quarter (0: none)")} for="pm-good-limit">
            <${ElInputNumber} id="pm-good-limit" min=${0} ...${model(form, "limit")} />
          </${ElFormItem}>
          <${ElFormItem} label=${t("在售", "On sale")}>
            <${ElSwitch} ariaLabel=${t("在售", "On sale")} ...${model(form, "active")} />
          </${ElFormItem}>
          <${ElButton} type="primary" class="save-good" loading=${state.busy} onClick=${save}>
            ${form.goodId ? t("保存", "Save") : t("上架", "Add")}</${ElButton}>
          ${form.goodId ? html`<${ElButton} onClick=${() => Object.assign(form, blank())}>${t("取消", "Cancel")}</${ElButton}>` : null}
        </div>
      </section>`;
  },
};
