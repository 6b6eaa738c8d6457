// 红邻菜单 · 便民箱 Neighbour boxes: items in each box, take (a tool opens a loan) and return,
// the keeper's count, and the month's summary with its .xlsx sheet.
import { reactive, onMounted } from "vue";
import { ElButton, ElTable, ElTableColumn, ElEmpty, ElInput, ElInputNumber, ElFormItem, ElTag,
  ElDialog, ElSelect, ElOption } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes, model, when } from "@linli/console";

const OPS = doc(new URL("./boxes.graphql", import.meta.url));

function thisMonth() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);  // Asia/Shanghai
}

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ boxes: [], loans: [], loaded: false, month: [], box: null });
    const take = reactive({ item: null, name: "", found: [], residentId: "" });
    const count = reactive({ item: null, counted: 0, broken: 0, note: "" });
    const month = reactive({ month: thisMonth() });

    async function load() {
      try {
        const data = await query(OPS, "MutualAidConsoleBoxes");
        state.boxes = nodes(data.mutualAidBoxes);
        state.loans = nodes(data.mutualAidLoans);
        if (!state.box && state.boxes.length) state.box = state.boxes[0].id;
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
    }
    async function loadMonth() {
      try {
        state.month = (await query(OPS, "MutualAidConsoleBoxMonth", { month: month.month })).mutualAidBoxSummary;
      } catch (e) { toast(e, "error"); }
    }
    onMounted(() => { load(); loadMonth(); });

    const itemName = (id) => {
      for (const b of state.boxes) for (const i of b.items) if (i.id === id) return i.name;
      return id;
    };
    const current = () => state.boxes.find((b) => b.id === state.box);

    async function find() {
      if (!take.name) return;
      try {
        take.found = nodes((await query(OPS, "MutualAidConsoleFindResident", { name: take.name })).residents);
        if (take.found.length) take.residentId = take.found[0].id;
      } catch (e) { toast(e, "error"); }
    }
    async function doTake() {
      try {
        const out = await mutate(OPS, "MutualAidConsoleTake",
          { itemId: take.item.id, residentId: take.residentId || null });
        toast(out.loan
          ? t(`已借出，${out.loan.dueOn} 前归还`, `Lent; due back on ${out.loan.dueOn}`)
          : t("已登记取用", "Take recorded"));
        take.item = null;
        await load();
      } catch (e) { toast(e, "error"); }
    }
    async function giveBack(row, condition) {
      try {
        await mutate(OPS, "MutualAidConsoleReturn", { loanId: row.id, condition });
        toast(t("已归还", "Returned"));
        await load();
      } catch (e) { toast(e, "error"); }
    }
    function openCount(item) {
      Object.assign(count, { item, counted: item.quantity, broken: 0, note: "" });
    }
    async function doCount() {
      try {
        const out = await mutate(OPS, "MutualAidConsoleCount", { itemId: count.item.id,
          counted: count.counted, broken: count.broken, note: count.note });
        toast(t(`已盘点：应有 ${out.count.expected}，实有 ${out.count.counted}，遗失 ${out.count.lost}`,
          `Counted: expected ${out.count.expected}, found ${out.count.counted}, lost ${out.count.lost}`));
        count.item = null;
        await load();
      } catch (e) { toast(e, "error"); }
    }
    async function sheet() {
      try {
        const b64 = (await query(OPS, "MutualAidConsoleBoxMonthSheet", { month: month.month })).mutualAidBoxSummaryExport;
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const url = URL.createObjectURL(new Blob([bytes],
          { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }));
        const a = document.createElement("a");
        a.href = url;
        a.download = `便民箱月报-${month.month}.xlsx`;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      } catch (e) { toast(e, "error"); }
    }

    const kind = (k) => ({ tool: t("工具（借还）", "tool (lent)"), consumable: t("消耗品", "consumable") }[k] || k);

    return () => {
      const box = current();
      return html`
      <section aria-labelledby="ma-boxes-title">
        <h1 class="page-title" id="ma-boxes-title">${t("便民箱", "Neighbour boxes")}</h1>
        ${state.loaded && !state.boxes.length
          ? html`<${ElEmpty} description=${t("还没有便民箱", "No boxes yet")} />`
          : html`<div class="toolbar">
              <${ElSelect} placeholder=${t("便民箱", "Box")} id="ma-box" class="box-pick" ariaLabel=${t("便民箱", "Box")}
                  modelValue=${state.box} onChange=${(v) => { state.box = v; }}>
                  ${state.boxes.map((b) => html`<${ElOption} key=${b.id} value=${b.id} label=${b.name} />`)}
                </${ElSelect}>
              ${box ? html`<span class="muted">${box.placeNote}${box.honourMode ? t(" · 自助（诚信）", " · honour mode") : ""}</span>` : null}
            </div>
            <${ElTable} data=${box ? box.items : []} rowKey="id" class="items">
              <${ElTableColumn} prop="name" label=${t("物品", "Item")} />
              <${ElTableColumn} label=${t("类别", "Kind")}>
                ${{ default: ({ row }) => html`<span>${kind(row.kind)}</span>` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${t("数量", "Quantity")} width="110">
                ${{ default: ({ row }) => html`<span>${row.quantity}</span>${row.low
                  ? html` <${ElTag} type="warning" size="small">${t("需补货", "low")}</${ElTag}>` : null}` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${t("操作", "Action")} minWidth="170">
                ${{ default: ({ row }) => html`
                  <${ElButton} type="primary" size="small" class="take" disabled=${row.quantity < 1}
                    onClick=${() => { take.item = row; take.found = []; take.residentId = ""; take.name = ""; }}>
                    ${row.loanable ? t("借出", "Lend") : t("取用", "Take")}</${ElButton}>
                  <${ElButton} size="small" class="count" onClick=${() => openCount(row)}>${t("盘点", "Count")}</${ElButton}>` }}
              </${ElTableColumn}>
            </${ElTable}>`}

        <h2>${t("在借物品", "On loan")}</h2>
        ${state.loaded && !state.loans.length
          ? html`<p class="muted">${t("没有在借物品", "Nothing on loan")}</p>`
          : html`<${ElTable} data=${state.loans} rowKey="id" class="loans">
              <${ElTableColumn} label=${t("物品", "Item")}>
                ${{ default: ({ row }) => html`<span class="loan-item">${itemName(row.itemId)}</span>` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${t("借出时间", "Taken")}>
                ${{ default: ({ row }) => html`<span>${when(row.takenAt)}</span>` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${t("应还日期", "Due")} width="140">
                ${{ default: ({ row }) => html`<span>${row.dueOn}</span>${row.overdue
                  ? html` <strong class="bad">${t("（逾期）", "(overdue)")}</strong>` : null}` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${t("归还", "Return")} minWidth="170">
                ${{ default: ({ row }) => html`
                  <${ElButton} size="small" type="success" class="return" onClick=${() => giveBack(row, "good")}>${t("完好归还", "Returned fine")}</${ElButton}>
                  <${ElButton} size="small" onClick=${() => giveBack(row, "broken")}>${t("已损坏", "Broken")}</${ElButton}>` }}
              </${ElTableColumn}>
            </${ElTable}>`}

        <h2>${t("月度汇总", "Monthly summary")}</h2>
        <div class="toolbar">
          <${ElFormItem} label=${t("月份（YYYY-MM）", "Month (YYYY-MM)")} for="ma-month">
            <${ElInput} id="ma-month" ...${model(month, "month")} />
          </${ElFormItem}>
          <${ElButton} onClick=${loadMonth}>${t("查看", "Show")}</${ElButton}>
          <${ElButton} class="sheet" onClick=${sheet}>${t("下载 .xlsx", "Download .xlsx")}</${ElButton}>
        </div>
        <${ElTable} data=${state.month} class="month" emptyText=${t("本月无记录", "Nothing this month")}>
          <${ElTableColumn} prop="buildingName" label=${t("楼栋", "Building")} />
          <${ElTableColumn} prop="loans" label=${t("借出", "Loans")} width="70" />
          <${ElTableColumn} prop="returned" label=${t("归还", "Returned")} width="70" />
          <${ElTableColumn} prop="overdue" label=${t("逾期", "Overdue")} width="70" />
          <${ElTableColumn} prop="takes" label=${t("取用", "Taken")} width="70" />
          <${ElTableColumn} prop="donated" label=${t("捐赠", "Donated")} width="70" />
          <${ElTableColumn} prop="lost" label=${t("遗失", "Lost")} width="70" />
        </${ElTable}>

        <${ElDialog} modelValue=${!!take.item} onUpdate:modelValue=${(v) => { if (!v) take.item = null; }}
          title=${take.item ? t(`登记取用：${take.item.name}`, `Take: ${take.item.name}`) : ""} width="min(480px, 94vw)">
          ${{ default: () => html`
            <${ElFormItem} label=${t("居民姓名（开头）", "Resident's name (start)")} for="ma-take-name">
              <${ElInput} id="ma-take-name" ...${model(take, "name")} onKeyup=${(e) => { if (e.key === "Enter") find(); }} />
            </${ElFormItem}>
            <${ElButton} class="find-resident" onClick=${find}>${t("查找", "Find")}</${ElButton}>
            ${take.found.length ? html`<${ElSelect} placeholder=${t("居民", "Resident")} id="ma-take-who" ariaLabel=${t("居民", "Resident")} modelValue=${take.residentId}
                onChange=${(v) => { take.residentId = v; }}>
                ${take.found.map((r) => html`<${ElOption} key=${r.id} value=${r.id} label=${r.name} />`)}
              </${ElSelect}>` : null}`,
            footer: () => html`<${ElButton} type="primary" class="confirm-take" disabled=${!take.residentId}
              onClick=${doTake}>${t("确认", "Confirm")}</${ElButton}>` }}
        </${ElDialog}>

        <${ElDialog} modelValue=${!!count.item} onUpdate:modelValue=${(v) => { if (!v) count.item = null; }}
          title=${count.item ? t(`盘点：${count.item.name}`, `Count: ${count.item.name}`) : ""} width="min(480px, 94vw)">
          ${{ default: () => html`
            <${ElFormItem} label=${t("实有数量", "Counted")} for="ma-counted">
              <${ElInputNumber} id="ma-counted" min=${0} ...${model(count, "counted")} />
            </${ElFormItem}>
            <${ElFormItem} label=${t("其中损坏", "Of which broken")} for="ma-broken">
              <${ElInputNumber} id="ma-broken" min=${0} ...${model(count, "broken")} />
            </${ElFormItem}>
            <${ElFormItem} label=${t("备注", "Note")} for="ma-count-note">
              <${ElInput} id="ma-count-note" ...${model(count, "note")} />
            </${ElFormItem}>`,
            footer: () => html`<${ElButton} type="primary" class="confirm-count" onClick=${doCount}>${t("记录盘点", "Record count")}</${ElButton}>` }}
        </${ElDialog}>
      </section>`;
    };
  },
};
