// 账号与成员 Accounts and memberships: the node's accounts (search by name), each one's roles and
// the resident it belongs to (link by searching residents, audited), the grid workers with their
// grids, and granting a role (identity.manage) by picking the account and the grid from lists.
import { reactive, computed, onMounted } from "vue";
import { ElTable, ElTableColumn, ElForm, ElFormItem, ElInput, ElButton, ElAlert, ElSelect, ElOption,
  ElDialog, ElTag } from "element-plus";
import { html, t, doc, query, mutate, toast, model, nodes } from "@linli/console";

const OPS = doc("console/admin.graphql");
const PEOPLE = doc("console/people.graphql");
// core's roles; a plugin's role (building_head, librarian, …) can be typed into the select
const ROLES = [["grid_worker", "网格员", "Grid worker"], ["community_staff", "社区两委", "Community staff"],
  ["tenant_admin", "街镇管理员", "Tenant administrator"], ["volunteer", "志愿者", "Volunteer"],
  ["region_official", "区县工作人员", "Region official"], ["resident", "居民", "Resident"]];
const KINDS = [["node", "整个单位", "Whole node"], ["grid", "网格", "Grid"], ["building", "楼栋", "Building"],
  ["community", "社区", "Community"]];

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({
      form: { accountId: "", role: "grid_worker", placeKind: "node", placeId: "" }, error: "", granted: [],
      accounts: [], workers: [], grids: [], search: "", found: null, searched: "", names: {},
      link: null, linkName: "", linkRows: [], linkError: "", linkBusy: false,
    });
    async function load() {
      const data = await query(OPS, "ConsoleAccounts", {});
      state.accounts = nodes(data.accounts);
      state.workers = nodes(data.gridWorkers);
      state.grids = nodes(data.grids);
      if (state.search.trim()) await search();
    }
    onMounted(() => load().catch((e) => toast(e, "error")));
    // the search asks the server (accounts(search:)): every account of the node, not the first page
    let asked = 0;
    let timer = 0;
    async function search() {
      const q = state.search.trim();
      const mine = ++asked;
      if (!q) { state.found = null; return; }
      try {
        const data = await query(OPS, "ConsoleAccountSearch", { search: q });
        if (mine === asked) Object.assign(state, { found: nodes(data.accounts), searched: q });
      } catch (e) { toast(e, "error"); }
    }
    function typed(v) {
      state.search = v;
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    }
    const shown = computed(() => state.found || state.accounts);
    function roleLabel(code) {
      const r = ROLES.find(([c]) => c === code);
      return r ? t(r[1], r[2]) : code;
    }
    function gridName(id) {
      const g = state.grids.find((x) => x.id === id);
      return g ? `${g.community ? g.community.name : ""} ${g.name}` : id;
    }
    function place(m) {
      if (!m.placeKind) return t("整个单位", "whole node");
      return m.placeKind === "grid" ? gridName(m.placeId) : `${m.placeKind} ${m.placeId}`;
    }
    async function grant() {
      state.error = "";
      try {
        const f = state.form;
        const kind = f.placeKind === "node" ? null : f.placeKind;
        const out = await mutate(OPS, "ConsoleGrantMembership", { accountId: f.accountId, role: f.role,
          placeKind: kind, placeId: kind ? (f.placeId || "").trim() || null : null });
        state.granted.unshift(out.membership);
        toast(t("已授予", "Granted"));
        await load();
      } catch (e) { state.error = e.message; }
    }
    function openLink(account) {
      Object.assign(state, { link: account, linkName: "", linkRows: [], linkError: "" });
    }
    async function findResidents() {
      state.linkBusy = true;
      state.linkError = "";
      try {
        const data = await query(PEOPLE, "ConsoleResidents", { first: 10, name: state.linkName.trim() || null });
        state.linkRows = nodes(data.residents);
      } catch (e) { state.linkError = e.message; } finally { state.linkBusy = false; }
    }
    async function link(resident) {
      state.linkError = "";
      try {
        await mutate(OPS, "ConsoleLinkAccountResident", { accountId: state.link.id,
          residentId: resident ? resident.id : null });
        if (resident) state.names[resident.id] = resident.name;
        toast(resident ? t(`已关联 ${resident.name}`, `Linked to ${resident.name}`) : t("已解除关联", "Unlinked"));
        state.link = null;
        await load();
      } catch (e) { state.linkError = e.message; }
    }
    const residentCell = (row) => (row.residentId
      ? html`<${ElTag} class="linked-resident" type="success" effect="plain">${state.names[row.residentId] || t("已关联", "linked")}</${ElTag}>`
      : "—");
    return () => html`
      <section aria-labelledby="accounts-title">
        <h1 class="page-title" id="accounts-title">${t("账号与成员", "Accounts and memberships")}</h1>
        <h2>${t("本单位账号", "Accounts of this node")}</h2>
        <form class="toolbar" role="search" onSubmit=${(e) => { e.preventDefault(); search(); }}>
          <${ElInput} id="account-search" modelValue=${state.search} onUpdate:modelValue=${typed} clearable
            placeholder=${t("按姓名或用户名查找", "Search by name or username")} ariaLabel=${t("按姓名或用户名查找", "Search by name or username")} />
        </form>
        <${ElTable} data=${shown.value} class="accounts" data-searched=${state.found ? state.searched : ""} stripe emptyText=${t("没有找到账号", "No accounts found")}>
          <${ElTableColumn} label=${t("账号", "Account")} minWidth="160">${{ default: ({ row }) => html`<strong>${row.displayName}</strong> <span class="muted">${row.username || ""}</span>` }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("角色", "Roles")} minWidth="160">${{ default: ({ row }) => (row.memberships.length ? row.memberships.map((m) => html`<div key=${m.id}>${roleLabel(m.role)} · ${place(m)}</div>`) : "—") }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("关联居民", "Resident")} minWidth="110">${{ default: ({ row }) => residentCell(row) }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("操作", "Action")} minWidth="120">${{ default: ({ row }) => html`
            <${ElButton} size="small" class="link-resident" onClick=${() => openLink(row)}>${t("关联居民", "Link resident")}</${ElButton}>` }}</${ElTableColumn}>
        </${ElTable}>
        <h2>${t("网格员", "Grid workers")}</h2>
        <${ElTable} data=${state.workers} class="grid-workers" stripe emptyText=${t("暂无网格员", "No grid workers")}>
          <${ElTableColumn} label=${t("网格员", "Grid worker")} minWidth="140">${{ default: ({ row }) => (row.account ? row.account.displayName : "—") }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("网格", "Grid")} minWidth="160">${{ default: ({ row }) => (row.grid ? `${row.grid.community ? row.grid.community.name : ""} ${row.grid.name}` : t("未分配", "unassigned")) }}</${ElTableColumn}>
        </${ElTable}>
        <h2>${t("授予角色", "Grant a role")}</h2>
        <${ElForm} labelPosition="top" class="raise-form grant-form" onSubmit=${(e) => e.preventDefault()}>
          <${ElFormItem} label=${t("账号", "Account")}>
            <${ElSelect} id="grant-account" modelValue=${state.form.accountId} onChange=${(v) => { state.form.accountId = v; }} filterable
              placeholder=${t("选择账号", "Pick an account")} ariaLabel=${t("账号", "Account")}>
              ${state.accounts.map((a) => html`<${ElOption} key=${a.id} class="account-option" value=${a.id} label=${`${a.displayName} (${a.username || "—"})`} />`)}
            </${ElSelect}>
          </${ElFormItem}>
          <${ElFormItem} label=${t("角色", "Role")}>
            <${ElSelect} id="grant-role" modelValue=${state.form.role} onChange=${(v) => { state.form.role = v; }} filterable allowCreate ariaLabel=${t("角色", "Role")}>
              ${ROLES.map(([code, zh, en]) => html`<${ElOption} key=${code} value=${code} label=${t(zh, en)} />`)}
            </${ElSelect}>
          </${ElFormItem}>
          <${ElFormItem} label=${t("地点", "Place")}>
            <${ElSelect} id="grant-kind" modelValue=${state.form.placeKind} onChange=${(v) => { state.form.placeKind = v; state.form.placeId = ""; }} ariaLabel=${t("地点类型", "Place kind")}>
              ${KINDS.map(([code, zh, en]) => html`<${ElOption} key=${code} class=${`kind-${code}`} value=${code} label=${t(zh, en)} />`)}
            </${ElSelect}>
          </${ElFormItem}>
          ${state.form.placeKind === "grid" ? html`<${ElFormItem} label=${t("网格", "Grid")}>
            <${ElSelect} id="grant-grid" modelValue=${state.form.placeId} onChange=${(v) => { state.form.placeId = v; }} filterable
              placeholder=${t("选择网格", "Pick a grid")} ariaLabel=${t("网格", "Grid")}>
              ${state.grids.map((g) => html`<${ElOption} key=${g.id} class="grid-option" value=${g.id} label=${`${g.community ? g.community.name : ""} ${g.name}`} />`)}
            </${ElSelect}></${ElFormItem}>` : null}
          ${state.form.placeKind !== "node" && state.form.placeKind !== "grid" ? html`<${ElFormItem} label=${t("地点 ID", "Place ID")} for="grant-place">
            <${ElInput} id="grant-place" ...${model(state.form, "placeId")} /></${ElFormItem}>` : null}
          ${state.error ? html`<${ElAlert} type="error" title=${state.error} showIcon closable=${false} />` : null}
          <${ElButton} type="primary" class="grant" disabled=${!state.form.accountId} onClick=${grant}>${t("授予", "Grant")}</${ElButton}>
        </${ElForm}>
        ${state.granted.length ? html`<${ElTable} data=${state.granted}>
          <${ElTableColumn} label=${t("角色", "Role")}>${{ default: ({ row }) => roleLabel(row.role) }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("单位", "Node")}>${{ default: ({ row }) => row.node.name }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("地点", "Place")}>${{ default: ({ row }) => place(row) }}</${ElTableColumn}>
        </${ElTable}>` : null}
        <${ElDialog} modelValue=${!!state.link} onUpdate:modelValue=${(v) => { if (!v) state.link = null; }}
          title=${t("关联居民", "Link a resident")} width="min(92vw, 520px)">
          ${{ default: () => state.link ? html`
            <p>${t("账号", "Account")} <strong>${state.link.displayName}</strong> ${t("属于哪位居民？（记入审计）", "belongs to which resident? (audited)")}</p>
            <form class="toolbar" role="search" onSubmit=${(e) => { e.preventDefault(); findResidents(); }}>
              <${ElInput} id="link-search" ...${model(state, "linkName")} placeholder=${t("居民姓名", "Resident's name")} ariaLabel=${t("居民姓名", "Resident's name")} />
              <${ElButton} type="primary" nativeType="submit" class="link-find" loading=${state.linkBusy}>${t("查找", "Search")}</${ElButton}>
            </form>
            <ul class="link-results">
              ${state.linkRows.map((r) => html`<li key=${r.id}>
                <${ElButton} class="pick-resident" onClick=${() => link(r)}>${r.name} · ${r.household ? `${r.household.building ? r.household.building.name : ""} ${r.household.room}` : ""}</${ElButton}></li>`)}
            </ul>
            ${state.link.residentId ? html`<${ElButton} class="unlink" onClick=${() => link(null)}>${t("解除关联", "Unlink")}</${ElButton}>` : null}
            ${state.linkError ? html`<${ElAlert} type="error" title=${state.linkError} showIcon closable=${false} />` : null}` : null }}
        </${ElDialog}>
      </section>`;
  },
};
