// 楼长制 · 议事栏 The matters board, live (a change arrives without reloading). Staff and heads
// raise a matter and record its next step; the public board (no login) only reads.
import { reactive, onMounted, onUnmounted } from "vue";
import { ElButton, ElForm, ElFormItem, ElInput, ElSelect, ElOption, ElTag, ElEmpty } from "element-plus";
import { html, t, doc, query, mutate, subscribe, toast, model, nodes, when, session, navigate } from "@linli/console";

const OPS = doc(new URL("./board.graphql", import.meta.url));

const STEPS = ["RAISED", "COMMITTEES", "JOINT", "RESIDENTS", "IMPLEMENTING", "EVALUATED"];
// the standard's step names (四步议事法); the API's stepName says the same in the reader's language
const STEP_TEXT = {
  RAISED: ["提事", "Raised"], COMMITTEES: ["两委议事", "Two committees"],
  JOINT: ["多方主体共同议事", "Joint deliberation"], RESIDENTS: ["居民议事", "Residents decide"],
  IMPLEMENTING: ["办理", "Carried out"], EVALUATED: ["评价", "Evaluated"],
};
const LEVEL_TEXT = { BUILDING: ["楼栋", "Building"], COMPOUND: ["小区", "Compound"], COMMUNITY: ["社区", "Community"] };
// who raised it, in words (the API's raisedBy is a kind, never a name)
const RAISER_TEXT = { resident: ["居民提出", "raised by a resident"], head: ["楼长提出", "raised by the building head"],
                      staff: ["社区工作人员提出", "raised by community staff"], grid: ["网格员提出", "raised by the grid worker"],
                      property: ["物业提出", "raised by the property company"] };

export default {
  props: ["route", "query", "page", "public"],
  setup(props) {
    const state = reactive({ matters: [], buildings: [], form: { buildingId: null, title: "", description: "" },
                             busy: false, live: false, communities: [], community: null });
    let stop = () => {};
    const base = props.page.route;

    function upsert(m) {
      const i = state.matters.findIndex((x) => x.id === m.id);
      if (i >= 0) state.matters.splice(i, 1, { ...state.matters[i], ...m });
      else state.matters.unshift(m);
    }

    async function show(community) {
      stop();
      state.community = community;
      state.live = false;
      state.matters = [];
      if (!community) return;
      const communityId = community.id;
      const data = await query(OPS, "BuildingHeadConsoleBoard", { communityId });
      state.matters = nodes(data.buildingHeadBoard);
      stop = subscribe(OPS, "BuildingHeadConsoleBoardUpdates", { communityId },
        (d) => upsert(d.buildingHeadMatterUpdates.matter), (e) => toast(e.message || String(e), "error"),
        () => { state.live = true; });
    }

    onMounted(async () => {
      try {
        // the address names the community by its code: …/<route>/<community code>
        state.communities = (await query(OPS, "BuildingHeadConsoleCommunities")).publicCommunities;
        const code = props.route.slice(base.length + 1).split("/")[0];
        await show(state.communities.find((c) => c.code === code) || state.communities[0]);
        if (!props.public) {
          const b = await query(OPS, "BuildingHeadConsoleBuildings");
          state.buildings = nodes(b.buildings);
          state.form.buildingId = state.buildings.length ? state.buildings[0].id : null;
        }
      } catch (e) {
        toast(e, "error");
      }
    });
    onUnmounted(() => stop());

    async function raise() {
      state.busy = true;
      try {
        await mutate(OPS, "BuildingHeadConsoleRaiseMatter", { ...state.form });
        toast(t("已提事", "Matter raised"));
        state.form.title = "";
        state.form.description = "";
      } catch (e) {
        toast(e, "error");
      } finally {
        state.busy = false;
      }
    }

    async function advance(m) {
      const next = STEPS[STEPS.indexOf(m.step) + 1];
      try {
        const out = await mutate(OPS, "BuildingHeadConsoleAdvanceMatter", {
          matterId: m.id, step: next, participants: [session.account ? session.account.name : ""],
          decision: t("按议定推进", "Agreed to proceed"), rating: next === "EVALUATED" ? 5 : null });
        upsert(out.matter);
      } catch (e) {
        toast(e, "error");
      }
    }

    const text = (pair) => (pair ? t(pair[0], pair[1]) : "");
    return () => html`
      <section aria-labelledby="board-title">
        <h1 class="page-title" id="board-title">${props.public ? t("红旗驿站议事公开栏", "Red-flag station matters board") : t("议事栏", "Matters board")}${state.community ? ` · ${state.community.name}` : ""}</h1>
        ${state.communities.length > 1 ? html`<nav class="toolbar" aria-label=${t("社区", "Communities")}>
          ${state.communities.map((c) => html`<${ElButton} key=${c.code} type=${state.community && state.community.code === c.code ? "primary" : "default"}
            onClick=${() => { navigate(`${base}/${c.code}`); show(c); }}>${c.name}</${ElButton}>`)}
        </nav>` : null}
        <p class="muted live-state">${state.live ? t("实时更新中", "Live: updates arrive by themselves") : t("正在连接…", "Connecting…")}</p>
        ${!props.public ? html`
          <${ElForm} class="raise-form" labelPosition="top" onSubmit=${(e) => e.preventDefault()}>
            <${ElFormItem} label=${t("楼栋", "Building")} for="raise-building">
              <${ElSelect} id="raise-building" ...${model(state.form, "buildingId")} ariaLabel=${t("楼栋", "Building")} filterable>
                ${state.buildings.map((b) => html`<${ElOption} key=${b.id} value=${b.id} label=${`${b.community ? b.community.name + " " : ""}${b.name}`} />`)}
              </${ElSelect}>
            </${ElFormItem}>
            <${ElFormItem} label=${t("事项", "Matter")} for="raise-title">
              <${ElInput} id="raise-title" ...${model(state.form, "title")} maxlength="100" />
            </${ElFormItem}>
            <${ElButton} type="primary" class="raise" loading=${state.busy} disabled=${!state.form.title.trim()}
              onClick=${raise}>${t("提事", "Raise")}</${ElButton}>
          </${ElForm}>` : null}
        ${state.matters.length ? html`<ul class="board" aria-live="polite">
          ${state.matters.map((m) => html`
            <li class="board-item" key=${m.id} data-matter=${m.id}>
              <h2>${m.title}</h2>
              <div>
                <${ElTag} type=${m.resolved ? "success" : "primary"} effect="dark">${m.resolved ? t("已办结", "Resolved") : (m.stepName || text(STEP_TEXT[m.step]))}</${ElTag}>
                <span class="muted"> ${text(LEVEL_TEXT[m.level])} · ${RAISER_TEXT[m.raisedBy] ? text(RAISER_TEXT[m.raisedBy]) : m.raisedBy} · ${when(m.createdAt)}</span>
              </div>
              ${m.description ? html`<p>${m.description}</p>` : null}
              ${(m.timeline || []).length > 1 ? html`<ol class="timeline muted">
                ${m.timeline.slice(1).map((e, i) => html`<li key=${i}>${e.decidedOn} ${e.kindName}（${e.stepName}）：${e.decision}</li>`)}
              </ol>` : null}
              ${!props.public && !m.resolved && m.step !== "EVALUATED" ? html`
                <${ElButton} size="small" class="advance" onClick=${() => advance(m)}>
                  ${t("推进到：", "Next: ")}${text(STEP_TEXT[STEPS[STEPS.indexOf(m.step) + 1]])}</${ElButton}>` : null}
            </li>`)}
        </ul>` : html`<${ElEmpty} description=${t("暂无议事", "No matters yet")} />`}
      </section>`;
  },
};
