// 账号与成员 Accounts and memberships: my memberships, and granting a role at the acting node
// (identity.manage). Roles held at a place (a building, a grid) name that place.
import { reactive } from "vue";
import { ElTable, ElTableColumn, ElForm, ElFormItem, ElInput, ElButton, ElAlert } from "element-plus";
import { html, t, doc, mutate, toast, model, session } from "@linli/console";

const OPS = doc("console/admin.graphql");

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ form: { accountId: "", role: "grid_worker", placeKind: "", placeId: "" }, error: "", granted: [] });
    async function grant() {
      state.error = "";
      try {
        const f = state.form;
        const out = await mutate(OPS, "ConsoleGrantMembership", { accountId: f.accountId.trim(), role: f.role.trim(),
          placeKind: f.placeKind.trim() || null, placeId: f.placeId.trim() || null });
        state.granted.unshift(out.membership);
        toast(t("已授予", "Granted"));
      } catch (e) { state.error = e.message; }
    }
    return () => html`
      <section aria-labelledby="accounts-title">
        <h1 class="page-title" id="accounts-title">${t("账号与成员", "Accounts and memberships")}</h1>
        <h2>${t("我的成员身份", "My memberships")}</h2>
        <${ElTable} data=${session.memberships}>
          <${ElTableColumn} prop="name" label=${t("单位", "Node")} />
          <${ElTableColumn} prop="code" label=${t("编码", "Code")} />
        </${ElTable}>
        <h2>${t("授予角色", "Grant a role")}</h2>
        <${ElForm} labelPosition="top" class="raise-form" onSubmit=${(e) => e.preventDefault()}>
          <${ElFormItem} label=${t("账号 ID", "Account ID")} for="grant-account"><${ElInput} id="grant-account" ...${model(state.form, "accountId")} /></${ElFormItem}>
          <${ElFormItem} label=${t("角色", "Role")} for="grant-role"><${ElInput} id="grant-role" ...${model(state.form, "role")} /></${ElFormItem}>
          <${ElFormItem} label=${t("地点类型（可空：building、grid、community）", "Place kind (optional)")} for="grant-kind"><${ElInput} id="grant-kind" ...${model(state.form, "placeKind")} /></${ElFormItem}>
          <${ElFormItem} label=${t("地点 ID（可空）", "Place ID (optional)")} for="grant-place"><${ElInput} id="grant-place" ...${model(state.form, "placeId")} /></${ElFormItem}>
          ${state.error ? html`<${ElAlert} type="error" title=${state.error} showIcon closable=${false} />` : null}
          <${ElButton} type="primary" onClick=${grant}>${t("授予", "Grant")}</${ElButton}>
        </${ElForm}>
        ${state.granted.length ? html`<${ElTable} data=${state.granted}>
          <${ElTableColumn} prop="role" label=${t("角色", "Role")} />
          <${ElTableColumn} label=${t("单位", "Node")}>${{ default: ({ row }) => row.node.name }}</${ElTableColumn}>
          <${ElTableColumn} prop="placeKind" label=${t("地点", "Place")} />
        </${ElTable}>` : null}
      </section>`;
  },
};
