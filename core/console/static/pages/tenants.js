// 单位树 The tenant tree below the acting node (regions, street offices and towns), as a tree.
import { reactive, onMounted } from "vue";
import { ElTree, ElTag } from "element-plus";
import { html, t, doc, query, toast, nodes, session } from "@linli/console";

const OPS = doc("console/admin.graphql");
const KIND = { province: ["省", "Province"], city: ["市", "City"], district: ["区县", "District"],
  street: ["街道", "Street office"], town: ["镇", "Town"] };

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ tree: [] });
    onMounted(async () => {
      try {
        let after = null;
        const all = [];
        do {
          const data = await query(OPS, "ConsoleTenantTree", { after });
          all.push(...nodes(data.tenantTree));
          after = data.tenantTree.pageInfo.hasNextPage ? data.tenantTree.pageInfo.endCursor : null;
        } while (after && all.length < 2000);
        const self = { ...session.node, enabledPlugins: [], parent: null };
        const byId = new Map([self, ...all].map((n) => [n.id, { ...n, children: [] }]));
        const roots = [];
        for (const n of byId.values()) {
          const parent = n.id !== self.id && n.parent && byId.get(n.parent.id);
          (parent ? parent.children : roots).push(n);
        }
        state.tree = roots;
      } catch (e) { toast(e, "error"); }
    });
    return () => html`
      <section aria-labelledby="tenants-title">
        <h1 class="page-title" id="tenants-title">${t("单位树", "Tenant tree")}</h1>
        <${ElTree} data=${state.tree} nodeKey="id" defaultExpandAll class="tenant-tree"
          props=${{ label: "name", children: "children" }} emptyText=${t("暂无下级单位", "Nothing below")}>
          ${{ default: ({ data }) => html`<span>${data.name} <span class="muted">${data.code}</span>
            <${ElTag} size="small" type="info" effect="plain">${t(...(KIND[data.kind] || [data.kind, data.kind]))}</${ElTag}>
            ${data.enabledPlugins.length ? html`<span class="muted"> · ${data.enabledPlugins.join(", ")}</span>` : null}</span>` }}
        </${ElTree}>
      </section>`;
  },
};
