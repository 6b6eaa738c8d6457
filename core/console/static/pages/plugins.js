// 插件启用 Plugins per node: which installed plugin is on here; switch one on or off
// (plugins.manage). The navigation follows at once.
import { reactive, onMounted } from "vue";
import { ElTable, ElTableColumn, ElSwitch, ElTag } from "element-plus";
import { html, t, doc, query, mutate, toast, session } from "@linli/console";

const OPS = doc("console/admin.graphql");
const SESSION = doc("console/session.graphql");

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ plugins: [], enabled: [], busy: "" });
    async function load() {
      const data = await query(OPS, "ConsolePlugins");
      state.plugins = data.installedPlugins;
      state.enabled = data.tenant.enabledPlugins;
    }
    onMounted(() => load().catch((e) => toast(e, "error")));
    async function toggle(p, on) {
      state.busy = p.name;
      try {
        const out = await mutate(OPS, on ? "ConsoleEnablePlugin" : "ConsoleDisablePlugin", { plugin: p.name });
        state.enabled = out.node.enabledPlugins;
        session.pages = (await query(SESSION, "ConsolePages")).consolePages;   // the navigation follows
        toast(on ? t(`已启用：${p.titleZh}`, `Enabled: ${p.titleEn}`) : t(`已停用：${p.titleZh}`, `Disabled: ${p.titleEn}`));
      } catch (e) { toast(e, "error"); } finally { state.busy = ""; }
    }
    return () => html`
      <section aria-labelledby="plugins-title">
        <h1 class="page-title" id="plugins-title">${t("插件启用", "Plugins")}</h1>
        <p class="muted">${t(`当前单位：${session.node.name}`, `Acting node: ${session.node.name}`)}</p>
        <${ElTable} data=${state.plugins} class="plugins">
          <${ElTableColumn} label=${t("插件", "Plugin")} minWidth="160">${{ default: ({ row }) => html`<strong>${t(row.titleZh, row.titleEn)}</strong> <span class="muted">${row.name} ${row.version}</span>` }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("状态", "State")}>${{ default: ({ row }) => html`<${ElTag} effect="dark" type=${state.enabled.includes(row.name) ? "success" : "info"}>${state.enabled.includes(row.name) ? t("已启用", "On") : t("未启用", "Off")}</${ElTag}>` }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("启用", "Enable")}>${{ default: ({ row }) => html`<${ElSwitch} modelValue=${state.enabled.includes(row.name)}
            loading=${state.busy === row.name} data-plugin=${row.name} class="plugin-switch"
            ariaLabel=${t(`启用 ${row.titleZh}`, `Enable ${row.titleEn}`)} onChange=${(v) => toggle(row, v)} />` }}</${ElTableColumn}>
        </${ElTable}>
      </section>`;
  },
};
