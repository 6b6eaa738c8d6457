// 红邻菜单 · 菜单与场次 The menu a community's teams offer: dishes (one-to-one services and group
// sessions) with their next sessions, the coming sessions with places and sign-ups, and the two
// forms staff and team leaders use — add a dish, schedule a session of a group dish.
import { reactive, onMounted } from "vue";
import { ElButton, ElTable, ElTableColumn, ElEmpty, ElInput, ElInputNumber, ElFormItem, ElSelect,
  ElOption, ElDatePicker, ElCheckbox } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes, model, when, navigate } from "@linli/console";

const OPS = doc(new URL("./dishes.graphql", import.meta.url));
const MODES = { service: ["一对一服务", "One-to-one"], session: ["集体活动", "Group session"] };

// a week from today at 09:00 Asia/Shanghai (UTC+8 all year), whatever the browser's zone
function nextWeekAtNine() {
  const d = new Date(Date.now() + 7 * 86400e3 + 8 * 3600e3);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 1, 0, 0));
}

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ communities: [], community: "", teams: [], team: "", dishes: [],
      sessions: [], loaded: false });
    const dish = reactive({ teamId: "", title: "", mode: "session", description: "", eligibleTag: "",
      capacity: 20, recurring: false, recurrence: "monthly" });
    const sess = reactive({ dishId: "", startsAt: nextWeekAtNine(), capacity: 20, minutes: 90 });

    async function load() {
      try {
        const data = await query(OPS, "MutualAidConsoleDishes",
          { communityId: state.community || null, teamId: state.team || null });
        state.communities = nodes(data.communities);
        state.dishes = nodes(data.mutualAidDishes);
        state.sessions = nodes(data.mutualAidSessions);
        if (!state.community && state.communities.length) {
          state.community = state.communities[0].id;
          await loadTeams();
          return load();
        }
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
    }
    async function loadTeams() {
      try {
        state.teams = (await query(OPS, "MutualAidConsoleDishTeams", { communityId: state.community })).mutualAidTeams;
        if (!state.teams.some((tm) => tm.id === dish.teamId)) dish.teamId = state.teams.length ? state.teams[0].id : "";
      } catch (e) { toast(e, "error"); }
    }
    onMounted(load);

    async function createDish() {
      try {
        const out = await mutate(OPS, "MutualAidConsoleCreateDish", { ...dish, capacity: dish.capacity || 0 });
        toast(t(`已上架：${out.dish.title}`, `Added: ${out.dish.title}`));
        if (out.dish.mode === "session") sess.dishId = out.dish.id;
        dish.title = ""; dish.description = ""; dish.eligibleTag = "";
        await load();
      } catch (e) { toast(e, "error"); }
    }
    async function createSession() {
      try {
        const out = await mutate(OPS, "MutualAidConsoleCreateSession", {
          dishId: sess.dishId, startsAt: new Date(sess.startsAt).toISOString(),
          capacity: sess.capacity, minutes: sess.minutes });
        toast(t(`已安排场次：${when(out.session.startsAt)}`, `Session scheduled: ${when(out.session.startsAt)}`));
        await load();
      } catch (e) { toast(e, "error"); }
    }

    const groups = () => state.dishes.filter((d) => d.mode === "session");
    const places = (s) => t(`报名 ${s.signedUp}/${s.capacity}，余 ${s.placesLeft}`,
      `${s.signedUp}/${s.capacity} signed up, ${s.placesLeft} left`);

    return () => html`
      <section aria-labelledby="ma-dishes-title">
        <h1 class="page-title" id="ma-dishes-title">${t("菜单与场次", "Dishes and sessions")}</h1>
        <p class="muted">${t("各服务队提供的菜品：一对一服务由居民点单，集体活动按场次报名，名额不会超出。",
          "What the teams offer: residents order one-to-one services and sign up for group sessions, never beyond the places.")}</p>
        <div class="toolbar">
          <${ElSelect} placeholder=${t("社区", "Community")} id="ma-d-community" ariaLabel=${t("社区", "Community")} modelValue=${state.community}
              onChange=${async (v) => { state.community = v; state.team = ""; await loadTeams(); await load(); }}>
              ${state.communities.map((c) => html`<${ElOption} key=${c.id} value=${c.id} label=${c.name} />`)}
            </${ElSelect}>
          <${ElSelect} placeholder=${t("全部服务队", "All teams")} id="ma-d-team" ariaLabel=${t("服务队", "Team")} modelValue=${state.team} clearable
              onChange=${(v) => { state.team = v || ""; load(); }}>
              ${state.teams.map((tm) => html`<${ElOption} key=${tm.id} value=${tm.id} label=${t(tm.name, tm.nameEn)} />`)}
            </${ElSelect}>
        </div>
        ${state.loaded && !state.dishes.length
          ? html`<${ElEmpty} description=${t("还没有菜品", "No dishes yet")} />`
          : html`<${ElTable} data=${state.dishes} rowKey="id" class="dishes">
              <${ElTableColumn} prop="title" label=${t("菜品", "Dish")} minWidth="120" />
              <${ElTableColumn} label=${t("服务队", "Team")} minWidth="120">
                ${{ default: ({ row }) => html`<span>${row.team ? t(row.team.name, row.team.nameEn) : ""}</span>` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${t("方式", "Kind")} width="110">
                ${{ default: ({ row }) => html`<span class="dish-mode">${t(...MODES[row.mode])}${row.recurring
                  ? t(row.recurrence === "weekly" ? "（每周）" : "（每月）", row.recurrence === "weekly" ? " (weekly)" : " (monthly)") : ""}</span>` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${t("即将举行", "Next sessions")} minWidth="200">
                ${{ default: ({ row }) => row.mode === "session"
                  ? html`<ul class="next-sessions">${row.upcomingSessions.map((s) => html`<li key=${s.id}>${when(s.startsAt)} · ${places(s)}</li>`)}</ul>`
                  : html`<span class="muted">${row.capacity ? t(`每月 ${row.capacity} 单`, `${row.capacity} a month`) : t("不限", "No limit")}</span>` }}
              </${ElTableColumn}>
            </${ElTable}>`}

        <h2>${t("即将举行的活动", "Coming sessions")}</h2>
        ${state.loaded && !state.sessions.length ? html`<${ElEmpty} description=${t("暂无场次", "No sessions coming")} />` : null}
        <div class="board-list sessions">
          ${state.sessions.map((s) => html`<div key=${s.id} class="board-item session-item">
            <strong>${s.dish ? s.dish.title : ""}</strong> · ${when(s.startsAt)} · ${t(`${s.minutes} 分钟`, `${s.minutes} min`)}
            <div class="muted">${places(s)}${s.recurring ? t(" · 按计划重复", " · repeats") : ""}
              <${ElButton} size="small" link type="primary" class="attendance"
                onClick=${() => navigate("mutual-aid/menu", { session: s.id })}>${t("签到", "Attendance")}</${ElButton}></div></div>`)}
        </div>

        <h2>${t("上架菜品", "Add a dish")}</h2>
        <div class="toolbar dish-form">
          <${ElSelect} placeholder=${t("服务队", "Team")} id="ma-dish-team" ariaLabel=${t("服务队", "Team")} ...${model(dish, "teamId")}>
            ${state.teams.map((tm) => html`<${ElOption} key=${tm.id} value=${tm.id} label=${t(tm.name, tm.nameEn)} />`)}
          </${ElSelect}>
          <${ElFormItem} label=${t("名称", "Title")} for="ma-dish-title">
            <${ElInput} id="ma-dish-title" ...${model(dish, "title")} />
          </${ElFormItem}>
          <${ElSelect} id="ma-dish-mode" ariaLabel=${t("方式", "Kind")} ...${model(dish, "mode")}>
            ${Object.entries(MODES).map(([k, v]) => html`<${ElOption} key=${k} value=${k} label=${t(v[0], v[1])} />`)}
          </${ElSelect}>
          <${ElFormItem} label=${t("说明", "Description")} for="ma-dish-desc">
            <${ElInput} id="ma-dish-desc" ...${model(dish, "description")} />
          </${ElFormItem}>
          <${ElFormItem} label=${t("仅限标签（可空）", "Only residents tagged (optional)")} for="ma-dish-tag">
            <${ElInput} id="ma-dish-tag" ...${model(dish, "eligibleTag")} />
          </${ElFormItem}>
          <${ElFormItem} label=${dish.mode === "session" ? t("每场名额", "Places per session") : t("每月单数（0 不限）", "Orders a month (0: no limit)")} for="ma-dish-capacity">
            <${ElInputNumber} id="ma-dish-capacity" min=${0} ...${model(dish, "capacity")} />
          </${ElFormItem}>
          ${dish.mode === "session" ? html`
            <${ElCheckbox} id="ma-dish-recurring" ...${model(dish, "recurring")}>${t("定期重复", "Repeats")}</${ElCheckbox}>
            ${dish.recurring ? html`<${ElSelect} id="ma-dish-recurrence" ariaLabel=${t("重复方式", "Repeats every")} ...${model(dish, "recurrence")}>
              <${ElOption} value="monthly" label=${t("每月", "Monthly")} />
              <${ElOption} value="weekly" label=${t("每周", "Weekly")} />
            </${ElSelect}>` : null}` : null}
          <${ElButton} type="primary" class="create-dish" disabled=${!dish.title || !dish.teamId} onClick=${createDish}>${t("上架", "Add")}</${ElButton}>
        </div>

        <h2>${t("安排场次", "Schedule a session")}</h2>
        <div class="toolbar session-form">
          <${ElSelect} placeholder=${t("集体活动", "Group dish")} id="ma-session-dish" ariaLabel=${t("集体活动", "Group dish")} ...${model(sess, "dishId")}>
            ${groups().map((d) => html`<${ElOption} key=${d.id} value=${d.id} label=${d.title} />`)}
          </${ElSelect}>
          <${ElFormItem} label=${t("开始时间", "Starts at")} for="ma-session-at">
            <${ElDatePicker} id="ma-session-at" type="datetime" ariaLabel=${t("开始时间", "Starts at")} ...${model(sess, "startsAt")} />
          </${ElFormItem}>
          <${ElFormItem} label=${t("名额", "Places")} for="ma-session-capacity">
            <${ElInputNumber} id="ma-session-capacity" min=${1} ...${model(sess, "capacity")} />
          </${ElFormItem}>
          <${ElFormItem} label=${t("时长（分钟）", "Minutes")} for="ma-session-minutes">
            <${ElInputNumber} id="ma-session-minutes" min=${1} ...${model(sess, "minutes")} />
          </${ElFormItem}>
          <${ElButton} type="primary" class="create-session" disabled=${!sess.dishId || !sess.startsAt} onClick=${createSession}>${t("安排", "Schedule")}</${ElButton}>
        </div>
      </section>`;
  },
};
