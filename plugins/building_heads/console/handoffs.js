// 楼长制 · 转交事项 (双向进入) Grid worker ↔ head, and the property company: what was handed to me,
// what I handed, and the answers. The receiver answers in one step.
import { reactive, onMounted } from "vue";
import { ElButton, ElEmpty, ElInput, ElRadioButton, ElRadioGroup, ElTag } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes } from "@linli/console";

const OPS = doc(new URL("./handoffs.graphql", import.meta.url));

const PARTY = {
  HEAD: ["楼长", "Building head"], GRID_WORKER: ["网格员", "Grid worker"],
  PROPERTY: ["物业", "Property company"], STAFF: ["社区", "Community staff"],
};

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ direction: "TO_ME", rows: [], answers: {}, busy: null, loaded: false });

    async function load() {
      state.loaded = false;
      try {
        const data = await query(OPS, "BuildingHeadConsoleHandoffs", { direction: state.direction });
        state.rows = nodes(data.buildingHeadHandoffs);
      } catch (e) {
        toast(e, "error");
      }
      state.loaded = true;
    }

    onMounted(load);

    async function answer(row) {
      state.busy = row.id;
      try {
        const out = await mutate(OPS, "BuildingHeadConsoleAnswerHandoff",
          { handoffId: row.id, answer: state.answers[row.id] || "" });
        Object.assign(row, out.handoff);
        toast(t("已答复", "Answered"));
      } catch (e) {
        toast(e, "error");
      } finally {
        state.busy = null;
      }
    }

    const party = (p) => (PARTY[p] ? t(PARTY[p][0], PARTY[p][1]) : p);
    return () => html`
      <section aria-labelledby="handoffs-title" class="handoffs">
        <h1 class="page-title" id="handoffs-title">${t("转交事项", "Hand-offs")}</h1>
        <div class="toolbar">
          <${ElRadioGroup} modelValue=${state.direction} ariaLabel=${t("方向", "Direction")}
            onChange=${(v) => { state.direction = v; load(); }}>
            <${ElRadioButton} value="TO_ME" class="to-me">${t("转给我的", "Handed to me")}</${ElRadioButton}>
            <${ElRadioButton} value="BY_ME" class="by-me">${t("我转出的", "Handed by me")}</${ElRadioButton}>
          </${ElRadioGroup}>
        </div>
        ${state.loaded && !state.rows.length
          ? html`<${ElEmpty} description=${t("暂无转交事项", "Nothing handed over")} />`
          : html`<ul class="board handoff-list" aria-live="polite">
              ${state.rows.map((r) => html`
                <li class="board-item handoff" key=${r.id} data-handoff=${r.id}>
                  <h2>${r.subject}</h2>
                  <div>
                    <${ElTag} type=${r.answered ? "success" : "warning"} effect="dark">
                      ${r.answered ? t("已答复", "Answered") : t("待答复", "Awaiting answer")}</${ElTag}>
                    <span class="muted"> ${party(r.fromParty)} → ${party(r.toParty)} · ${r.handedOn}</span>
                  </div>
                  <p>${r.note}</p>
                  ${r.answered ? html`<p class="answer">${t("答复：", "Answer: ")}${r.answer}（${r.answeredOn}）</p>` : null}
                  ${!r.answered && state.direction === "TO_ME" ? html`
                    <div class="answer-form">
                      <label class="muted" for=${`answer-${r.id}`}>${t("答复", "Answer")}</label>
                      <${ElInput} id=${`answer-${r.id}`} type="textarea" maxlength="500"
                        modelValue=${state.answers[r.id] || ""}
                        onUpdate:modelValue=${(v) => { state.answers[r.id] = v; }} />
                      <${ElButton} type="primary" class="answer-button" loading=${state.busy === r.id}
                        disabled=${!(state.answers[r.id] || "").trim()} onClick=${() => answer(r)}>
                        ${t("提交答复", "Send answer")}</${ElButton}>
                    </div>` : null}
                </li>`)}
            </ul>`}
      </section>`;
  },
};
