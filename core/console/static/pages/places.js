// 社区与楼栋 Communities (with grids and compounds), their buildings, a building's households.
import { reactive, onMounted } from "vue";
import { ElTable, ElTableColumn, ElSelect, ElOption, ElButton, ElDrawer, ElTag } from "element-plus";
import { html, t, doc, query, toast, nodes } from "@linli/console";

const OPS = doc("console/people.graphql");

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ communities: [], communityId: null, buildings: [], building: null, households: [] });
    async function loadBuildings() {
      state.buildings = nodes((await query(OPS, "ConsoleBuildings", { communityId: state.communityId })).buildings);
    }
    onMounted(async () => {
      try {
        state.communities = nodes((await query(OPS, "ConsoleCommunities")).communities);
        state.communityId = state.communities.length ? state.communities[0].id : null;
        await loadBuildings();
      } catch (e) { toast(e, "error"); }
    });
    async function openBuilding(b) {
      state.building = b;
      try { state.households = nodes((await query(OPS, "ConsoleHouseholds", { buildingId: b.id })).households); }
      catch (e) { toast(e, "error"); }
    }
    const community = () => state.communities.find((c) => c.id === state.communityId);
    return () => html`
      <section aria-labelledby="places-title">
        <h1 class="page-title" id="places-title">${t("社区与楼栋", "Places")}</h1>
        <div class="toolbar">
          <${ElSelect} modelValue=${state.communityId} ariaLabel=${t("社区", "Community")}
            onChange=${(v) => { state.communityId = v; loadBuildings(); }}>
            ${state.communities.map((c) => html`<${ElOption} key=${c.id} value=${c.id} label=${c.name} />`)}
          </${ElSelect}>
          ${community() ? html`<span class="muted">${t("网格", "Grids")}：${community().grids.map((g) => g.name).join("、") || "—"}；
            ${t("小区", "Compounds")}：${community().compounds.map((g) => g.name).join("、") || "—"}</span>` : null}
        </div>
        <${ElTable} data=${state.buildings} stripe emptyText=${t("暂无楼栋", "No buildings")}>
          <${ElTableColumn} prop="name" label=${t("楼栋", "Building")} />
          <${ElTableColumn} label=${t("小区", "Compound")}>${{ default: ({ row }) => (row.compound ? row.compound.name : "—") }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("网格", "Grid")}>${{ default: ({ row }) => (row.grid ? row.grid.name : "—") }}</${ElTableColumn}>
          <${ElTableColumn} label=${t("住户", "Households")}>${{ default: ({ row }) => html`<${ElButton} size="small" onClick=${() => openBuilding(row)}>${t("查看", "Open")}</${ElButton}>` }}</${ElTableColumn}>
        </${ElTable}>
        <${ElDrawer} modelValue=${!!state.building} onUpdate:modelValue=${(v) => { if (!v) state.building = null; }}
          title=${state.building ? state.building.name : ""} size="min(92vw, 480px)">
          <${ElTable} data=${state.households}>
            <${ElTableColumn} prop="room" label=${t("房号", "Room")} width="90" />
            <${ElTableColumn} label=${t("成员", "Members")}>${{ default: ({ row }) => row.members.map((m) => html`<${ElTag} key=${m.id} class="tag" effect="plain" type=${m.isHead ? "primary" : "info"}>${m.name}</${ElTag}>`) }}</${ElTableColumn}>
          </${ElTable}>
        </${ElDrawer}>
      </section>`;
  },
};
