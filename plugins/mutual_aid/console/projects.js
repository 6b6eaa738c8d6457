// 红邻菜单 · 4有项目 Projects through the cycle 需求调查 survey → 科学设计 design → 实施推进 delivery →
// 专业提升 improvement, then the next round's survey; each with its steps, survey and figures.
import { reactive, onMounted } from "vue";
import { ElButton, ElEmpty, ElInput, ElFormItem, ElSelect, ElOption, ElSteps, ElStep, ElCard }
  from "element-plus";
import { html, t, doc, query, mutate, toast, nodes, model, when } from "@linli/console";

const OPS = doc(new URL("./projects.graphql", import.meta.url));
const STAGES = [["survey", "需求调查", "Survey"], ["design", "科学设计", "Design"],
  ["delivery", "实施推进", "Delivery"], ["improvement", "专业提升", "Improvement"]];
const stageName = (s) => { const r = STAGES.find((x) => x[0] === s); return r ? t(r[1], r[2]) : s === "closed" ? t("已结束", "Closed") : s; };

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ rows: [], communities: [], loaded: false });
    const form = reactive({ communityId: "", title: "", description: "" });
    const notes = reactive({});

    async function load() {
      try {
        const data = await query(OPS, "MutualAidConsoleProjects");
        state.rows = nodes(data.mutualAidProjects);
        state.communities = nodes(data.communities);
        if (!form.communityId && state.communities.length) form.communityId = state.communities[0].id;
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
    }
    onMounted(load);

    async function create() {
      try {
        await mutate(OPS, "MutualAidConsoleCreateProject", { ...form });
        toast(t("项目已建立，进入需求调查", "Project created: survey stage"));
        form.title = ""; form.description = "";
        await load();
      } catch (e) { toast(e, "error"); }
    }
    async function advance(row, close) {
      try {
        const out = await mutate(OPS, "MutualAidConsoleAdvanceProject",
          { projectId: row.id, note: notes[row.id] || "", close });
        toast(t(`已进入：${stageName(out.project.stage)}（第 ${out.project.round} 轮）`,
          `Now: ${stageName(out.project.stage)} (round ${out.project.round})`));
        notes[row.id] = "";
        await load();
      } catch (e) { toast(e, "error"); }
    }

    const card = (p) => {
      const active = STAGES.findIndex((s) => s[0] === p.stage);
      const votes = p.survey.filter((s) => s.round === p.round);
      return html`<${ElCard} key=${p.id} class="project" shadow="never">
        <h2>${p.title} <span class="muted">${t(`第 ${p.round} 轮 · ${stageName(p.stage)}`, `round ${p.round} · ${stageName(p.stage)}`)}</span></h2>
        <p class="muted">${p.description}</p>
        <${ElSteps} active=${active < 0 ? 4 : active} alignCenter=${true}>
          ${STAGES.map((s) => html`<${ElStep} key=${s[0]} title=${t(s[1], s[2])} />`)}
        </${ElSteps}>
        ${votes.length ? html`<p>${t("本轮调查：", "This round's survey: ")}${votes.map((v) => `${v.option} ${v.votes}`).join("，")}</p>` : null}
        <p class="muted">${t(`菜品 ${p.figures.dishes}，活动 ${p.figures.sessions} 场，报名 ${p.figures.signedUp}，到场 ${p.figures.attended}，完成点单 ${p.figures.ordersDone}`,
          `${p.figures.dishes} dishes, ${p.figures.sessions} sessions, ${p.figures.signedUp} signed up, ${p.figures.attended} attended, ${p.figures.ordersDone} orders done`)}</p>
        <ul class="steps">${p.steps.map((s, i) => html`<li key=${i}>${when(s.changedAt)} · ${stageName(s.stage)}${s.note ? ` · ${s.note}` : ""}</li>`)}</ul>
        ${p.stage !== "closed" ? html`<div class="toolbar">
          <${ElInput} ariaLabel=${t("推进说明", "Note for this step")} placeholder=${t("推进说明", "Note for this step")}
            modelValue=${notes[p.id] || ""} onUpdate:modelValue=${(v) => { notes[p.id] = v; }} />
          <${ElButton} type="primary" class="advance" onClick=${() => advance(p, false)}>${t("进入下一阶段", "Next stage")}</${ElButton}>
          <${ElButton} onClick=${() => advance(p, true)}>${t("结束项目", "Close")}</${ElButton}>
        </div>` : null}
      </${ElCard}>`;
    };

    return () => html`
      <section aria-labelledby="ma-projects-title">
        <h1 class="page-title" id="ma-projects-title">${t("4有项目", "Menu projects")}</h1>
        <p class="muted">${t("需求调查 → 科学设计 → 实施推进 → 专业提升，再进入下一轮调查。",
          "Survey → design → delivery → improvement, then the next round's survey.")}</p>
        ${state.loaded && !state.rows.length ? html`<${ElEmpty} description=${t("还没有项目", "No projects yet")} />` : null}
        <div class="projects">${state.rows.map(card)}</div>
        <h2>${t("新项目", "New project")}</h2>
        <div class="toolbar">
          <${ElSelect} placeholder=${t("社区", "Community")} id="ma-p-community" ariaLabel=${t("社区", "Community")} modelValue=${form.communityId}
              onChange=${(v) => { form.communityId = v; }}>
              ${state.communities.map((c) => html`<${ElOption} key=${c.id} value=${c.id} label=${c.name} />`)}
            </${ElSelect}>
          <${ElFormItem} label=${t("名称", "Title")} for="ma-p-title">
            <${ElInput} id="ma-p-title" ...${model(form, "title")} />
          </${ElFormItem}>
          <${ElFormItem} label=${t("说明", "Description")} for="ma-p-desc">
            <${ElInput} id="ma-p-desc" ...${model(form, "description")} />
          </${ElFormItem}>
          <${ElButton} type="primary" disabled=${!form.title} onClick=${create}>${t("建立", "Create")}</${ElButton}>
        </div>
      </section>`;
  },
};
