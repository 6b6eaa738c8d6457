// 规则 Rule values in force at the acting node: where each comes from (default, this node, a
// region above), whether it is locked; set a new value from a date (rules.manage).
import { reactive, onMounted } from "vue";
import { ElTable, ElTableColumn, ElTag, ElButton, ElDialog, ElForm, ElFormItem, ElInput, ElSwitch, ElAlert } from "element-plus";
import { html, t, doc, query, mutate, toast, model } from "@linli/console";

const OPS = doc("console/admin.graphql");

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ rules: [], edit: null, form: { value: "", effectiveOn: "", locked: false }, error: "" });
    async function load() { state.rules = (await query(OPS, "ConsoleRules")).effectiveRules; }
    onMounted(() => load().catch((e) => toast(e, "error")));
    function open(r) { state.edit = r; state.error = ""; Object.assign(state.form, { value: r.value, effectiveOn: "", locked: false }); }
    async function save() {
      try {
        await mutate(OPS, "ConsoleSetRuleValue", { key: state.edit.key, value: state.form.value,
          effectiveOn: state.form.effectiveOn || null, locked: state.form.locked });
        state.edit = null;
        toast(t("已保存", "Saved"));
        await load();
      } catch (e) { state.error = e.message; }
    }
    const source = (s) => ({ default: t("默认值", "default"), self: t("本单位", "this node"), inherited: t(`上级：${s.name || ""}`, `inherited: ${s.name || ""}`) }[s.kind] || s.kind);
    return () => html`
      <section aria-labelledby="rules-title">
        <h1 class="page-title" id="rules-title">${t("规则", "Rules")}</h1>
        <${ElTable} data=${state.rules} stripe class="rules">
          <${ElTableColumn} label=${t("规则", "Rule")} minWidth="220">${{ default: ({ row }) => html`<div><strong>${t(row.descriptionZh, row.descriptionEn)}</strong></div><div class="muted">${row.key}</div>` }}</${ElTableColumn}>
          <${ElTableColumn} prop="value" label=${t("当前值", "Value")} minWidth="110" />
          <${ElTableColumn} label=${t("来源", "From")} minWidth="110">${{ default: ({ row }) => source(row.source) }}</${ElTableColumn}>
          <${ElTableColumn} prop="effectiveOn" label=${t("生效日", "Since")} minWidth="100" />
          <${ElTableColumn} label=${t("锁定", "Locked")} width="90">${{ default: ({ row }) => (row.locked ? html`<${ElTag} type="warning" effect="dark">${t("已锁定", "Locked")}</${ElTag}>` : "—") }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("操作", "Action")} width="100">${{ default: ({ row }) => html`<${ElButton} size="small" disabled=${!row.overridable} onClick=${() => open(row)}>${t("设置", "Set")}</${ElButton}>` }}</${ElTableColumn}>
        </${ElTable}>
        <${ElDialog} modelValue=${!!state.edit} onUpdate:modelValue=${(v) => { if (!v) state.edit = null; }} title=${t("设置规则值", "Set a rule value")} width="min(92vw, 460px)">
          ${{ default: () => state.edit ? html`<${ElForm} labelPosition="top" onSubmit=${(e) => e.preventDefault()}>
            <p>${t(state.edit.descriptionZh, state.edit.descriptionEn)}</p>
            <${ElFormItem} label=${t("新值", "New value")} for="rule-value"><${ElInput} id="rule-value" ...${model(state.form, "value")} /></${ElFormItem}>
            <${ElFormItem} label=${t("生效日期（YYYY-MM-DD，留空为今天）", "Effective on (YYYY-MM-DD; blank: today)")} for="rule-from"><${ElInput} id="rule-from" ...${model(state.form, "effectiveOn")} /></${ElFormItem}>
            <label class="elder-toggle"><${ElSwitch} ...${model(state.form, "locked")} ariaLabel=${t("锁定（下级不可修改）", "Lock (nodes below cannot change it)")} /><span>${t("锁定（下级不可修改）", "Lock for nodes below")}</span></label>
            ${state.error ? html`<${ElAlert} type="error" title=${state.error} showIcon closable=${false} />` : null}
            <div><${ElButton} type="primary" onClick=${save}>${t("保存", "Save")}</${ElButton}></div>
          </${ElForm}>` : null }}
        </${ElDialog}>
      </section>`;
  },
};
