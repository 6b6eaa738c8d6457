// 账号与成员 Accounts and memberships: my memberships, and granting a role at the acting node
// (identity.manage). Roles held at a place (a building, a grid) name that place.
import { reactive, onMounted } from "vue";
import { ElTable, ElTableColumn, ElForm, ElFormItem, ElInput, ElButton, ElAlert } from "element-plus";
import { html, t, doc, query, mutate, toast, model } from "@linli/console";

const OPS = doc("console/admin.graphql");

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ form: { accountId: "", role: "grid_worker", placeKind: "", placeId: "" }, error: "", granted: [], members: [] });
    async function load() { state.members = (await query(OPS, "ConsoleNodeMembers")).nodeMembers; }
    onMounted(() => load().catch((e) => toast(e, "error")));
    async function grant() {
      state.error = "";
      try {
        const f = state.form;
        const out = await mutate(OPS, "ConsoleGrantMembership", { accountId: f.accountId.trim(), role: f.role.trim(),
          placeKind: f.placeKind.trim() || null, placeId: f.placeId.trim() || null });
        state.granted.unshift(out.membership);
        toast(t("已授予", "Granted"));
        await load();
      } catch (e) { state.error = e.message; }
    }
    return () => html`
      <section aria-labelledby="accounts-title">
        <h1 class="page-title" id="accounts-title">${t("账号与成员", "Accounts and memberships")}</h1>
        <h2>${t("本单位成员", "Members of this node")}</h2>
        <${ElTable} data=${state.members} class="members" stripe emptyText=${t("暂无成员", "No members")}>
          <${ElTableColumn} label=${t("账号", "Account")} minWidth="160">${{ default: ({ row }) => html`<strong>${row.displayName || row.username}</strong> <span class="muted">${row.username}</span>` }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("账号 ID", "Account ID")} minWidth="140">${{ default: ({ row }) => row.membership.accountId }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("角色", "Role")} minWidth="120">${{ default: ({ row }) => row.membership.role }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("地点", "Place")} minWidth="120">${{ default: ({ row }) => (row.membership.placeKind ? `${row.membership.placeKind} ${row.membership.placeId}` : t("整个单位", "whole node")) }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("关联居民", "Resident")} minWidth="120">${{ default: ({ row }) => row.residentId || "—" }}</${ElTableColumn}>
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
