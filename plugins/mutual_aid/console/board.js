// 红邻菜单 · 公开看板 The community's live board for residents, no login (…/mutual-aid/board/<community
// code>): open needs with their +1s and the published 红便签 with answers; changes arrive live.
import { reactive, onMounted, onUnmounted } from "vue";
import { ElEmpty, ElSelect, ElOption } from "element-plus";
import { html, t, doc, query, subscribe, toast, nodes, when } from "@linli/console";

const OPS = doc(new URL("./board.graphql", import.meta.url));
const OPEN = new Set(["placed", "accepted", "scheduled"]);
const STATUS = { placed: ["待接单", "waiting"], accepted: ["已接单", "accepted"], scheduled: ["已约时间", "scheduled"] };

export default {
  props: ["route", "query", "page", "public"],
  setup(props) {
    const state = reactive({ communities: [], community: null, needs: [], notes: [], live: false, loaded: false });
    let stop = () => {};
    const base = props.page.route;

    function upsert(list, row, keep) {
      const i = list.findIndex((x) => x.id === row.id);
      if (!keep) { if (i >= 0) list.splice(i, 1); return; }
      if (i >= 0) list.splice(i, 1, { ...list[i], ...row });
      else list.unshift(row);
    }
    function onUpdate(d) {
      const u = d.mutualAidBoardUpdates;
      if (u.need) upsert(state.needs, u.need, OPEN.has(u.need.status));
      if (u.note) upsert(state.notes, u.note, true);
    }
    async function show(community) {
      stop();
      state.community = community;
      state.live = false;
      const communityId = community ? community.id : null;
      try {
        const data = await query(OPS, "MutualAidConsoleBoard", { communityId });
        state.communities = data.publicCommunities;
        state.needs = nodes(data.mutualAidNeedsBoard);
        state.notes = nodes(data.mutualAidNotesBoard);
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
      stop = subscribe(OPS, "MutualAidConsoleBoardUpdates", { communityId }, onUpdate,
        (e) => toast(e.message || String(e), "error"), () => { state.live = true; });
    }
    onMounted(async () => {
      try {
        const first = await query(OPS, "MutualAidConsoleBoard", { communityId: null });
        state.communities = first.publicCommunities;
        const code = props.route.slice(base.length + 1).split("/")[0];
        await show(state.communities.find((c) => c.code === code) || state.communities[0] || null);
      } catch (e) { toast(e, "error"); }
    });
    onUnmounted(() => stop());

    return () => html`
      <section aria-labelledby="ma-board-title">
        <h1 class="page-title" id="ma-board-title">${t("红邻菜单 · 社区看板", "Mutual aid board")}</h1>
        <p class="muted">${state.community ? state.community.name : ""} · ${state.live
          ? t("实时更新中", "live") : t("连接中…", "connecting…")}</p>
        ${state.communities.length > 1 ? html`<div class="toolbar"><${ElSelect} placeholder=${t("社区", "Community")} id="ma-board-community" ariaLabel=${t("社区", "Community")}
            modelValue=${state.community ? state.community.id : null}
            onChange=${(v) => show(state.communities.find((c) => c.id === v))}>
            ${state.communities.map((c) => html`<${ElOption} key=${c.id} value=${c.id} label=${c.name} />`)}
          </${ElSelect}></div>` : null}
        <h2>${t("居民需求", "Open needs")}</h2>
        ${state.loaded && !state.needs.length ? html`<${ElEmpty} description=${t("暂无待办需求", "No open needs")} />` : null}
        <div class="board-list needs">
          ${state.needs.map((n) => html`<div key=${n.id} class="board-item need">
            <strong>${n.title}</strong> · ${n.team ? t(n.team.name, n.team.nameEn) : ""} ·
            ${t(...(STATUS[n.status] || [n.status, n.status]))} · ${t(`${n.plusOnes} 人 +1`, `${n.plusOnes} × +1`)}
            <span class="muted"> · ${when(n.placedAt)}</span></div>`)}
        </div>
        <h2>${t("红便签", "Red notes")}</h2>
        ${state.loaded && !state.notes.length ? html`<${ElEmpty} description=${t("暂无便签", "No notes yet")} />` : null}
        <div class="board-list notes">
          ${state.notes.map((n) => html`<div key=${n.id} class="board-item note">
            <p>${n.text}${n.topic ? html` <span class="muted">#${n.topic}</span>` : null} <span class="muted">${n.createdOn}</span></p>
            ${n.answer ? html`<p><strong>${t("答复：", "Answer: ")}</strong>${n.answer}</p>` : html`<p class="muted">${t("待答复", "Not answered yet")}</p>`}
          </div>`)}
        </div>
      </section>`;
  },
};
