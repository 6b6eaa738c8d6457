// 红邻菜单 · 点单 The needs menu: orders through placed → accepted → scheduled → done (→ confirmed
// by the resident), the five teams with their response times, and a session's attendance.
import { reactive, onMounted } from "vue";
import { ElButton, ElTable, ElTableColumn, ElEmpty, ElInput, ElInputNumber, ElFormItem, ElTag,
  ElSelect, ElOption, ElDatePicker } from "element-plus";
import { html, t, doc, query, mutate, toast, nodes, model, when } from "@linli/console";

const OPS = doc(new URL("./menu.graphql", import.meta.url));

const STATUS = {
  placed: ["已下单", "Placed"], accepted: ["已接单", "Accepted"], scheduled: ["已约时间", "Scheduled"],
  done: ["已完成", "Done"], confirmed: ["已确认", "Confirmed"], cancelled: ["已取消", "Cancelled"],
};

export default {
  props: ["route", "query", "page"],
  setup(props) {
    const state = reactive({ orders: [], loaded: false, status: "", communities: [], community: "",
      teams: [], times: [] });
    const step = reactive({ at: "", minutes: 60 });
    // who serves the orders accepted here (their minutes become their points); none: oneself
    const vol = reactive({ name: "", found: [], residentId: "" });
    // a session opened from 菜单与场次 (…/mutual-aid/menu?session=<id>), or by its id
    const sess = reactive({ id: (props.query && props.query.session) || "", row: null, name: "",
      found: [], residentId: "" });

    async function load() {
      try {
        const data = await query(OPS, "MutualAidConsoleOrders", { status: state.status || null });
        state.orders = nodes(data.mutualAidOrders);
        state.communities = nodes(data.communities);
        if (!state.community && state.communities.length) {
          state.community = state.communities[0].id;
          await loadTeams();
        }
      } catch (e) { toast(e, "error"); }
      state.loaded = true;
    }
    async function loadTeams() {
      if (!state.community) return;
      try {
        const data = await query(OPS, "MutualAidConsoleTeams", { communityId: state.community });
        state.teams = data.mutualAidTeams;
        state.times = data.mutualAidTeamResponseTimes;
      } catch (e) { toast(e, "error"); }
    }
    onMounted(async () => { await load(); if (sess.id) await openSession(); });

    async function act(name, vars, done) {
      try {
        const out = await mutate(OPS, name, vars);
        toast(t(`已更新：${STATUS[out.order.status][0]}`, `Now ${STATUS[out.order.status][1]}`));
        if (done) done();
        await load();
      } catch (e) { toast(e, "error"); }
    }
    const accept = (row) => act("MutualAidConsoleAccept", { orderId: row.id, volunteerId: vol.residentId || null });
    async function findVolunteer() {
      try {
        vol.found = nodes((await query(OPS, "MutualAidConsoleSessionResident", { name: vol.name })).residents);
        vol.residentId = vol.found.length ? vol.found[0].id : "";
      } catch (e) { toast(e, "error"); }
    }
    const schedule = (row) => act("MutualAidConsoleSchedule",
      { orderId: row.id, at: step.at ? new Date(step.at).toISOString() : new Date(Date.now() + 86400e3).toISOString() });
    const finish = (row) => act("MutualAidConsoleFinish", { orderId: row.id, minutes: step.minutes });

    async function openSession() {
      try {
        const node = (await query(OPS, "MutualAidConsoleSession", { id: sess.id.trim() })).node;
        sess.row = node.__typename === "MutualAidSession" ? node : null;
        if (!sess.row) toast(t("不是活动场次编号", "Not a session id"), "error");
      } catch (e) { toast(e, "error"); }
    }
    async function findResident() {
      try {
        sess.found = nodes((await query(OPS, "MutualAidConsoleSessionResident", { name: sess.name })).residents);
        if (sess.found.length) sess.residentId = sess.found[0].id;
      } catch (e) { toast(e, "error"); }
    }
    async function attend(attended) {
      try {
        const out = await mutate(OPS, "MutualAidConsoleAttend",
          { sessionId: sess.row.id, residentId: sess.residentId, attended });
        sess.row = { ...sess.row, ...out.session };
        toast(t(`已签到，到场 ${out.session.attended} 人`, `Marked; ${out.session.attended} attended`));
      } catch (e) { toast(e, "error"); }
    }

    const timeOf = (teamId) => state.times.find((r) => r.team && r.team.id === teamId);
    const actions = (row) => {
      if (row.status === "placed") {
        return html`<${ElButton} size="small" type="primary" class="accept" onClick=${() => accept(row)}>${t("接单", "Accept")}</${ElButton}>`;
      }
      if (row.status === "accepted" || row.status === "scheduled") {
        return html`
          <${ElButton} size="small" class="schedule" onClick=${() => schedule(row)}>${t("约定时间", "Schedule")}</${ElButton}>
          <${ElButton} size="small" type="success" class="finish" onClick=${() => finish(row)}>${t("完成服务", "Done")}</${ElButton}>`;
      }
      return html`<span class="muted">${row.rating ? t(`评分 ${row.rating}`, `Rated ${row.rating}`) : "—"}</span>`;
    };

    return () => html`
      <section aria-labelledby="ma-menu-title">
        <h1 class="page-title" id="ma-menu-title">${t("红邻菜单 · 点单", "Needs menu")}</h1>
        <p class="muted">${t("居民点单后 48 小时内应接单，超时转社区工作人员；完成后由居民确认评价。",
          "An order should be accepted within 48 hours, else it goes to community staff; the resident confirms and rates it when done.")}</p>
        <div class="toolbar">
          <${ElSelect} placeholder=${t("状态", "Status")} id="ma-status" ariaLabel=${t("状态", "Status")} modelValue=${state.status} clearable
              onChange=${(v) => { state.status = v || ""; load(); }}>
              ${Object.entries(STATUS).map(([k, v]) => html`<${ElOption} key=${k} value=${k} label=${t(v[0], v[1])} />`)}
            </${ElSelect}>
          <${ElFormItem} label=${t("约定时间", "Scheduled for")} for="ma-at">
            <${ElDatePicker} id="ma-at" type="datetime" ariaLabel=${t("约定时间", "Scheduled for")} ...${model(step, "at")} />
          </${ElFormItem}>
          <${ElFormItem} label=${t("服务分钟", "Minutes served")} for="ma-minutes">
            <${ElInputNumber} id="ma-minutes" min=${1} ...${model(step, "minutes")} />
          </${ElFormItem}>
        </div>
        <div class="toolbar">
          <${ElFormItem} label=${t("接单志愿者（姓名开头，可空）", "Volunteer serving (name start, optional)")} for="ma-vol-name">
            <${ElInput} id="ma-vol-name" ...${model(vol, "name")} />
          </${ElFormItem}>
          <${ElButton} class="find-volunteer" onClick=${findVolunteer}>${t("查找", "Find")}</${ElButton}>
          ${vol.found.length ? html`<${ElSelect} id="ma-vol" ariaLabel=${t("志愿者", "Volunteer")} modelValue=${vol.residentId} clearable
            onChange=${(v) => { vol.residentId = v || ""; }}>
            ${vol.found.map((r) => html`<${ElOption} key=${r.id} value=${r.id} label=${r.name} />`)}
          </${ElSelect}>` : null}
        </div>
        ${state.loaded && !state.orders.length
          ? html`<${ElEmpty} description=${t("没有点单", "No orders")} />`
          : html`<${ElTable} data=${state.orders} rowKey="id" class="orders">
              <${ElTableColumn} prop="title" label=${t("需求", "Need")} minWidth="140" />
              <${ElTableColumn} label=${t("服务队", "Team")}>
                ${{ default: ({ row }) => html`<span>${row.team ? t(row.team.name, row.team.nameEn) : ""}</span>` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${t("状态", "Status")} width="130">
                ${{ default: ({ row }) => html`<span class="order-status">${t(...STATUS[row.status])}</span>${row.escalated
                  ? html` <${ElTag} type="danger" size="small">${t("已超时转办", "escalated")}</${ElTag}>` : null}` }}
              </${ElTableColumn}>
              <${ElTableColumn} label=${t("下单", "Placed")} width="150">
                ${{ default: ({ row }) => html`<span>${when(row.placedAt)}</span>` }}
              </${ElTableColumn}>
              <${ElTableColumn} prop="plusOnes" label="+1" width="60" />
              <${ElTableColumn} label=${t("操作", "Action")} minWidth="180">
                ${{ default: ({ row }) => actions(row) }}
              </${ElTableColumn}>
            </${ElTable}>`}

        <h2>${t("服务队", "Teams")}</h2>
        <div class="toolbar">
          <${ElSelect} placeholder=${t("社区", "Community")} id="ma-community" ariaLabel=${t("社区", "Community")} modelValue=${state.community}
              onChange=${(v) => { state.community = v; loadTeams(); }}>
              ${state.communities.map((c) => html`<${ElOption} key=${c.id} value=${c.id} label=${c.name} />`)}
            </${ElSelect}>
        </div>
        <div class="board-list teams">
          ${state.teams.map((tm) => {
            const r = timeOf(tm.id);
            return html`<div key=${tm.id} class="board-item">
              <strong>${t(tm.name, tm.nameEn)}</strong>
              <div class="muted">${r
                ? t(`90 天 ${r.orders} 单，完成 ${r.done}，接单中位 ${r.medianAcceptHours ?? "—"} 小时`,
                    `90 days: ${r.orders} orders, ${r.done} done, median acceptance ${r.medianAcceptHours ?? "—"} h`)
                : t("暂无点单", "No orders yet")}</div></div>`;
          })}
        </div>

        <h2>${t("活动签到", "Session attendance")}</h2>
        <div class="toolbar">
          <${ElFormItem} label=${t("场次编号", "Session id")} for="ma-session">
            <${ElInput} id="ma-session" ...${model(sess, "id")} />
          </${ElFormItem}>
          <${ElButton} class="open-session" onClick=${openSession}>${t("打开", "Open")}</${ElButton}>
        </div>
        ${sess.row ? html`<div class="session">
          <p>${when(sess.row.startsAt)} · ${t(`报名 ${sess.row.signedUp}/${sess.row.capacity}，到场 ${sess.row.attended}`,
            `${sess.row.signedUp}/${sess.row.capacity} signed up, ${sess.row.attended} attended`)}</p>
          <div class="toolbar">
            <${ElFormItem} label=${t("居民姓名（开头）", "Resident's name (start)")} for="ma-att-name">
              <${ElInput} id="ma-att-name" ...${model(sess, "name")} />
            </${ElFormItem}>
            <${ElButton} onClick=${findResident}>${t("查找", "Find")}</${ElButton}>
            ${sess.found.length ? html`<${ElSelect} ariaLabel=${t("居民", "Resident")} modelValue=${sess.residentId}
              onChange=${(v) => { sess.residentId = v; }}>
              ${sess.found.map((r) => html`<${ElOption} key=${r.id} value=${r.id} label=${r.name} />`)}
            </${ElSelect}>
            <${ElButton} type="primary" onClick=${() => attend(true)}>${t("签到", "Attended")}</${ElButton}>
            <${ElButton} onClick=${() => attend(false)}>${t("未到", "Absent")}</${ElButton}>` : null}
          </div></div>` : null}
      </section>`;
  },
};
