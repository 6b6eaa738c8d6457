// 城市书房 · 活动 Activities of the network's rooms (读书沙龙, 亲子活动, 品茶读书): when, where and the
// places left; sign up with your card (capacity holds under load: a conditional update). Those
// who see the network's reports (central staff) also announce an activity here.
import { reactive, onMounted } from "vue";
import { ElButton, ElSelect, ElOption, ElAlert, ElInput, ElInputNumber, ElTag } from "element-plus";
import { html, t, doc, query, mutate, toast, model, session, when, nodes } from "@linli/console";

const OPS = doc(new URL("./activities.graphql", import.meta.url));
const KINDS = { salon: ["读书沙龙", "Reading salon"], parent_child: ["亲子活动", "Parent-child event"],
  tea_reading: ["品茶读书", "Tea and reading"], other: ["其他", "Other"] };
const kind = (k) => (KINDS[k] ? t(KINDS[k][0], KINDS[k][1]) : k);

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ rooms: [], activities: [], error: "", joined: {},
                             form: { roomId: "", title: "", kind: "salon", startsAt: "", capacity: 20 } });
    async function load() {
      const data = await query(OPS, "ReadingRoomConsoleActivities");
      state.rooms = data.readingRoomNetworks.flatMap((n) => n.rooms);
      state.activities = nodes(data.readingRoomActivities);
      if (!state.form.roomId && state.rooms.length) state.form.roomId = state.rooms[0].id;
    }
    onMounted(() => load().catch((e) => { state.error = e.message; }));
    async function signUp(a) {
      state.error = "";
      try {
        const out = await mutate(OPS, "ReadingRoomConsoleSignUp", { input: { activityId: a.id } });
        Object.assign(a, out.activity);
        state.joined[a.id] = true;
        toast(t(`已报名：${a.title}`, `Signed up: ${a.title}`));
      } catch (e) { state.error = e.message; }
    }
    async function announce() {
      state.error = "";
      const f = state.form;
      try {
        await mutate(OPS, "ReadingRoomConsoleCreateActivity", { input: { roomId: f.roomId, title: f.title,
          kind: f.kind, capacity: f.capacity, startsAt: f.startsAt ? new Date(f.startsAt).toISOString() : "" } });
        toast(t("活动已发布", "Activity announced"));
        f.title = "";
        await load();
      } catch (e) { state.error = e.message; }
    }
    const staff = () => session.pages.some((p) => p.route === "reading-rooms/reports");
    const roomName = (id) => (state.rooms.find((r) => r.id === id) || { name: "" }).name;
    const upcoming = () => state.activities.map((a) => ({ ...a, room: roomName(a.roomId), ref: a }))
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    return () => html`
      <section aria-labelledby="rr-activities-title" class="rr-activities">
        <h1 class="page-title" id="rr-activities-title">${t("书房活动", "Reading-room activities")}</h1>
        ${state.error ? html`<${ElAlert} type="error" class="activities-error" title=${state.error} showIcon closable=${false} />` : null}
        <ul class="rr-activity-list">${upcoming().map((a) => html`<li key=${a.id} class="board-item rr-activity" data-title=${a.title}>
          <h2>${a.title} <${ElTag} size="small">${kind(a.kind)}</${ElTag}></h2>
          <p>${a.room} · ${when(a.startsAt)} · ${t("名额", "Places")} <span class="places">${a.ref.signedUp}/${a.ref.capacity}</span></p>
          ${state.joined[a.id] ? html`<span class="signed">${t("已报名", "Signed up")}</span>`
            : html`<${ElButton} size="small" class="sign-up" disabled=${a.ref.signedUp >= a.ref.capacity} onClick=${() => signUp(a.ref)}>${a.ref.signedUp >= a.ref.capacity ? t("已满", "Full") : t("报名", "Sign up")}</${ElButton}>`}
        </li>`)}</ul>
        ${!upcoming().length ? html`<p class="muted">${t("近期没有活动", "No activities coming up")}</p>` : null}
        ${staff() ? html`<div class="board-item rr-announce">
          <h2>${t("发布活动", "Announce an activity")}</h2>
          <label for="act-room">${t("书房", "Room")}</label>
          <${ElSelect} id="act-room" modelValue=${state.form.roomId} onUpdate:modelValue=${(v) => { state.form.roomId = v; }}>
            ${state.rooms.map((r) => html`<${ElOption} key=${r.id} class="act-room-option" label=${r.name} value=${r.id} />`)}
          </${ElSelect}>
          <label for="act-title">${t("名称", "Title")}</label><${ElInput} id="act-title" ...${model(state.form, "title")} />
          <label for="act-kind">${t("类型", "Kind")}</label>
          <${ElSelect} id="act-kind" modelValue=${state.form.kind} onUpdate:modelValue=${(v) => { state.form.kind = v; }}>
            ${Object.keys(KINDS).map((k) => html`<${ElOption} key=${k} class="act-kind-option" label=${kind(k)} value=${k} />`)}
          </${ElSelect}>
          <label for="act-starts">${t("开始时间", "Starts at")}</label>
          <${ElInput} id="act-starts" type="datetime-local" ...${model(state.form, "startsAt")} />
          <label for="act-capacity">${t("名额", "Capacity")}</label>
          <${ElInputNumber} id="act-capacity" min=${1} max=${1000} modelValue=${state.form.capacity} onUpdate:modelValue=${(v) => { state.form.capacity = v; }} />
          <${ElButton} type="primary" class="announce" onClick=${announce}>${t("发布", "Announce")}</${ElButton}>
        </div>` : null}
      </section>`;
  },
};
