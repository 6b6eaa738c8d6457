// 通知 The notifications inbox: newest first, unread marked; mark one or all read.
import { reactive, onMounted, onUnmounted } from "vue";
import { ElButton, ElEmpty, ElTag } from "element-plus";
import { html, t, doc, query, mutate, subscribe, toast, nodes, when, session } from "@linli/console";

const OPS = doc("console/session.graphql");

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ items: [] });
    let stop = () => {};
    async function load() {
      const data = await query(OPS, "ConsoleNotifications", { first: 50 });
      state.items = nodes(data.myNotifications);
      session.unread = data.unreadNotificationCount;
    }
    onMounted(() => {
      load().catch((e) => toast(e, "error"));
      stop = subscribe(OPS, "ConsoleNotificationAdded", {}, (d) => state.items.unshift(d.notificationAdded));
    });
    onUnmounted(() => stop());
    async function mark(ids, all = false) {
      try {
        const out = await mutate(OPS, "ConsoleMarkNotificationsRead", { ids, all });
        session.unread = out.unreadCount;
        for (const n of state.items) if (all || ids.includes(n.id)) n.read = true;
      } catch (e) { toast(e, "error"); }
    }
    return () => html`
      <section aria-labelledby="notifications-title">
        <h1 class="page-title" id="notifications-title">${t("通知", "Notifications")}</h1>
        <div class="toolbar"><${ElButton} disabled=${!session.unread} onClick=${() => mark(null, true)}>${t("全部标为已读", "Mark all read")}</${ElButton}></div>
        ${state.items.length ? html`<ul class="board">${state.items.map((n) => html`
          <li class="board-item" key=${n.id}>
            <h2>${n.read ? null : html`<${ElTag} type="danger" effect="dark" size="small">${t("未读", "Unread")}</${ElTag}>`} ${n.title}</h2>
            <p>${n.body}</p>
            <div class="muted">${when(n.createdAt)}
              ${n.read ? null : html` <${ElButton} size="small" text onClick=${() => mark([n.id])}>${t("标为已读", "Mark read")}</${ElButton}>`}</div>
          </li>`)}</ul>` : html`<${ElEmpty} description=${t("暂无通知", "No notifications")} />`}
      </section>`;
  },
};
