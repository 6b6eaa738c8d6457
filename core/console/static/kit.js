// @linli/console — what a console page imports from the shell (the import map names this file).
// Pages are plain ES modules: `export default { setup(props) { …; return () => html`…` } }`.
// Every operation comes from a committed .graphql document (never a string built at run time):
//   const ops = doc("console/residents.graphql")                      // graphql/operations/…
//   const ops = doc(new URL("./visits.graphql", import.meta.url))     // a plugin's console/ folder
//   const data = await query(ops, "ConsoleResidents", { first: 20 })
//   const payload = await mutate(ops, "ConsoleRevealResident", { … }) // throws ApiError on UserError
//   const stop = subscribe(ops, "BoardUpdates", {}, (data) => …)       // graphql-ws, live
import { h, reactive, markRaw, shallowRef } from "vue";
import htm from "htm";
// Element Plus, the icon set (320 KB) and graphql-ws are imported when first needed, not on the
// first page: the sign-in form needs none of them (tests/benchmarks/bench_console_first_load.py).

/** htm bound to Vue's h: `html\`<${ElButton} onClick=${go}>…</${ElButton}>\``. */
export const html = htm.bind(h);

const store = window.localStorage;

/** The shell's state, reactive: language, elder-friendly mode, who is signed in, where. */
export const session = reactive({
  lang: store.getItem("linli.lang") || "zh",
  elder: store.getItem("linli.elder") === "1",
  account: null, // { id, name, isOperator }
  memberships: [], // [{ role, node: { id, code, name, kind }, placeKind, placeId }]
  node: null, // the acting node { id, code, name, kind }
  publicNode: null, // the node code of a public page (no login)
  pages: [], // consolePages for the acting node
  unread: 0,
  route: "", // the path under /console/ (no leading slash)
  query: {},
});

// 适老化 simple wording: in elder-friendly mode the console speaks plainly — no office jargon
// (脱敏, 审计, 插件, 授予, 入链 …), short sentences that say what will happen. Keyed by the usual
// Chinese text, so every `t()` with one of these words switches by itself (a plugin page too);
// a call can also pass its own plain pair: `t("核销", "Redeem", ["用掉积分", "Use points"])`.
const SIMPLE = new Map([
  // page titles (core's pages) and the shell
  ["单位树", ["各级单位", "Offices"]],
  ["社区与楼栋", ["社区和楼", "Communities and buildings"]],
  ["导入导出", ["用表格录入", "Add people from a sheet"]],
  ["导入导出居民", ["用表格录入居民", "Add residents from a sheet"]],
  ["账号与成员", ["谁能登录", "Who can sign in"]],
  ["插件启用", ["开通的功能", "Services turned on"]],
  ["规则", ["办事规定", "Rules"]],
  ["审计记录", ["谁做了什么", "Who did what"]],
  ["通知", ["消息", "Messages"]],
  ["当前单位", ["我在的单位", "My office"]],
  ["当前单位：", ["我在的单位：", "My office: "]],
  ["退出", ["退出登录", "Log out"]],
  ["登录", ["登录", "Log in"]],
  ["账号", ["用户名", "User name"]],
  ["邻里 · 社区工作台", ["邻里 · 社区办事", "Linli · community work"]],
  ["街道、社区、网格与楼长共用", ["街道、社区、网格员和楼长都用这里", "Street offices, communities, grid workers and building heads all use this"]],
  ["没有这个页面或没有权限", ["这里您打不开", "You can't open this here"]],
  ["您还没有任何单位的成员身份", ["您还没有加入任何单位", "You haven't joined any office yet"]],
  ["页面加载失败", ["没打开，请再试一次", "It didn't open. Please try again"]],
  ["打开导航", ["打开菜单", "Open the menu"]],
  ["导航", ["菜单", "Menu"]],
  ["邻里 · 社区公开栏", ["邻里 · 社区告示", "Linli · community notices"]],
  ["这个社区还没有公开页面", ["这个社区还没有贴出告示", "This community has no notices yet"]],
  // personal data and its reveal
  ["身份证号（脱敏）", ["身份证号（部分隐藏）", "ID number (partly hidden)"]],
  ["手机（脱敏）", ["手机（部分隐藏）", "Phone (partly hidden)"]],
  ["查看完整个人信息", ["看完整号码", "Show the full number"]],
  ["查看完整信息", ["看全", "Show all"]],
  ["确认查看", ["确定，看全", "Yes, show it"]],
  ["将记入审计，请说明理由。", ["会留下记录，请写明为什么要看。", "This is recorded. Please say why."]],
  ["含完整个人信息", ["带完整号码", "With full numbers"]],
  ["含完整个人信息（需说明理由，将审计）", ["带完整号码（要写明原因，会留下记录）", "With full numbers (say why; it is recorded)"]],
  ["理由", ["为什么", "Why"]],
  ["原因", ["为什么", "Why"]],
  // accounts
  ["属于哪位居民？（记入审计）", ["是哪位居民的？（会留下记录）", "Whose is it? (it is recorded)"]],
  ["授予角色", ["安排工作", "Give someone a job"]],
  ["授予", ["安排", "Give the job"]],
  ["已授予", ["安排好了", "Done"]],
  ["角色", ["做什么工作", "Job"]],
  ["地点 ID", ["地点编号", "Place number"]],
  ["本单位账号", ["本单位能登录的人", "People who can sign in here"]],
  // plugins, rules, audit
  ["插件", ["功能", "Service"]],
  ["启用", ["打开", "Turn on"]],
  ["已启用", ["开着", "On"]],
  ["未启用", ["关着", "Off"]],
  ["设置规则值", ["改一条规定", "Change a rule"]],
  ["当前值", ["现在是", "Now"]],
  ["默认值", ["原来是", "usually"]],
  ["生效日", ["从哪天起", "From"]],
  ["生效日期（YYYY-MM-DD，留空为今天）", ["从哪天起（不填就是今天）", "From which day (blank: today)"]],
  ["锁定（下级不可修改）", ["锁住（下面的单位不能改）", "Lock (offices below can't change it)"]],
  ["已锁定", ["锁住了", "Locked"]],
  ["锁定", ["锁住了", "Locked"]],
  ["操作人", ["谁做的", "Who"]],
  ["摘要", ["做了什么", "What was done"]],
  ["对象", ["涉及", "About"]],
  ["入链", ["已封存", "Sealed"]],
  ["待入链", ["还没封存", "not sealed yet"]],
  ["按操作筛选", ["按事项找", "Find by kind"]],
  ["按操作筛选，如 people.reveal_pii", ["按事项找", "Find by kind"]],
  // residents, places, import
  ["标签", ["分类", "Groups"]],
  ["按标签筛选", ["按分类找", "Find by group"]],
  ["筛选", ["找", "Find"]],
  ["加载更多", ["再多看一些", "Show more"]],
  ["暂无记录", ["还没有记录", "Nothing yet"]],
  ["上传 .xlsx 居民表：全部有效才写入，有错误时逐行列出。", ["选一个 Excel 表格。全部填对了才会录入；填错的行会一行一行列出来。", "Pick an Excel sheet. It is saved only if every row is right; wrong rows are listed one by one."]],
  ["选择文件", ["选表格", "Pick a sheet"]],
  ["导出 .xlsx", ["下载成 Excel 表", "Download as Excel"]],
  ["导入成功", ["录入好了", "Saved"]],
  ["正在导入…", ["正在录入，请稍等…", "Saving, please wait…"]],
  ["正在加载…", ["请稍等…", "Please wait…"]],
]);

/** The text in the user's language: `t("居民", "Residents")`; in elder-friendly mode the plain
 * wording of `simple` (`[zh, en]`) or of the shared list above, when there is one. */
export function t(zh, en, simple) {
  if (session.elder) {
    const plain = simple || SIMPLE.get(zh);
    if (plain) return session.lang === "en" ? plain[1] : plain[0];
  }
  return session.lang === "en" ? en : zh;
}

/** A page's title as the navigation shows it (plain wording in elder-friendly mode). */
export function pageTitle(page) {
  return t(page.titleZh, page.titleEn);
}

export function setLanguage(lang) {
  session.lang = lang;
  store.setItem("linli.lang", lang);
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
}

export function setElder(on) {
  session.elder = !!on;
  store.setItem("linli.elder", on ? "1" : "0");
  document.documentElement.classList.toggle("elder", !!on);
}

// -- tokens -----------------------------------------------------------------------------------
let accessToken = window.sessionStorage.getItem("linli.access") || "";
let accessExpires = Number(window.sessionStorage.getItem("linli.accessExpires") || 0);
let refreshing = null;

export function signedIn() {
  return !!store.getItem("linli.refresh");
}

export function keepTokens(auth) {
  accessToken = auth.accessToken;
  accessExpires = Date.parse(auth.accessTokenExpiresAt);
  window.sessionStorage.setItem("linli.access", accessToken);
  window.sessionStorage.setItem("linli.accessExpires", String(accessExpires));
  store.setItem("linli.refresh", auth.refreshToken);
}

export function dropTokens() {
  accessToken = "";
  accessExpires = 0;
  window.sessionStorage.removeItem("linli.access");
  window.sessionStorage.removeItem("linli.accessExpires");
  store.removeItem("linli.refresh");
  closeSocket();
}

export function refreshToken() {
  return store.getItem("linli.refresh");
}

const SESSION = doc("console/session.graphql");

/** Rotate the refresh token (once for many callers); false when the session has ended. */
export async function refreshNow() {
  if (!refreshing) {
    refreshing = (async () => {
      const token = store.getItem("linli.refresh");
      if (!token) return false;
      const data = await send(SESSION, "ConsoleRefresh", { refreshToken: token }, { auth: false });
      const out = data.refreshToken;
      if (out.__typename !== "RefreshTokenPayload") {
        dropTokens();
        return false;
      }
      keepTokens(out);
      return true;
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

async function freshToken() {
  if (accessToken && accessExpires - Date.now() > 30_000) return accessToken;
  if (signedIn() && (await refreshNow())) return accessToken;
  return "";
}

// -- documents and requests ----------------------------------------------------------------------
const texts = new Map();

/** A committed operation document: a path under graphql/operations/ or a URL (import.meta.url). */
export function doc(where) {
  const url = where instanceof URL ? where.pathname : `/console/ops/${where}`;
  return markRaw({ url });
}

async function textOf(document) {
  if (!texts.has(document.url)) {
    texts.set(document.url, fetch(document.url).then((r) => {
      if (!r.ok) throw new Error(`${document.url}: ${r.status}`);
      return r.text();
    }));
  }
  return texts.get(document.url);
}

/** A refusal: `code` (NOT_FOUND, FORBIDDEN, …), `message` in the user's language, `field`. */
export class ApiError extends Error {
  constructor(code, message, field) {
    super(message);
    this.code = code;
    this.field = field || null;
  }
}

function nodeCode() {
  return session.publicNode || (session.node && session.node.code) || "";
}

async function send(document, operationName, variables, { auth = true, retry = true, node: other = "" } = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json",
                    "Accept-Language": session.lang === "en" ? "en" : "zh-CN" };
  const node = other || nodeCode();
  if (node) headers["X-Linli-Node"] = node;
  if (auth && !session.publicNode) {
    const token = await freshToken();
    if (token) headers.Authorization = `Bearer ${token}`;
  }
  const query = await textOf(document);
  const resp = await fetch("/graphql", { method: "POST", headers,
    body: JSON.stringify({ query, operationName, variables: variables || {} }) });
  let body;
  try {
    body = await resp.json();
  } catch {
    throw new ApiError("UNAVAILABLE", t("服务暂不可用", "The service is unavailable"));
  }
  const first = (body.errors || [])[0];
  if (first) {
    const code = (first.extensions && first.extensions.code) || "INTERNAL";
    if (code === "UNAUTHENTICATED" && auth && retry && signedIn() && (await refreshNow())) {
      return send(document, operationName, variables, { auth, retry: false });
    }
    if (code === "UNAUTHENTICATED" && auth && !session.publicNode) {
      window.dispatchEvent(new CustomEvent("linli:signed-out"));
    }
    throw new ApiError(code, first.message, first.extensions && first.extensions.field);
  }
  return body.data;
}

/** Run a query of a document; its data (an ApiError when the server refuses). With
 * `{ publicNode: CODE }` it reads the public fields of another node, anonymously (no token),
 * naming that node in X-Linli-Node — a street office's public call read from a page of another. */
export function query(document, operationName, variables, { publicNode = "" } = {}) {
  if (publicNode) return send(document, operationName, variables, { auth: false, node: publicNode });
  return send(document, operationName, variables);
}

/** Run a mutation; the payload of its one field (an ApiError for its UserError member). */
export async function mutate(document, operationName, variables) {
  const data = await send(document, operationName, variables);
  const payload = Object.values(data)[0];
  if (payload && payload.__typename === "UserError") {
    throw new ApiError(payload.code, payload.message, payload.field);
  }
  return payload;
}

// -- subscriptions ------------------------------------------------------------------------------
let socket = null;
let socketKey = "";
let connected = false;
const whenConnected = new Set();

function closeSocket() {
  if (socket) socket.dispose();
  socket = null;
  socketKey = "";
}

let graphqlWs = null;

async function client() {
  const key = `${nodeCode()}|${signedIn() && !session.publicNode}`;
  if (socket && socketKey === key) return socket;
  if (!graphqlWs) graphqlWs = import("graphql-ws");
  const { createClient } = await graphqlWs;
  if (socket && socketKey === key) return socket;
  closeSocket();
  socketKey = key;
  const proto = window.location.protocol === "https:" ? "wss" : "ws";
  connected = false;
  socket = createClient({
    on: {
      connected: () => {
        connected = true;
        for (const f of whenConnected) f();
      },
      closed: () => { connected = false; },
    },
    url: `${proto}://${window.location.host}/graphql`,
    lazy: true,
    retryAttempts: 20,
    connectionParams: async () => {
      const params = { node: nodeCode() };
      if (!session.publicNode) {
        const token = await freshToken();
        if (token) params.token = token;
      }
      return params;
    },
  });
  return socket;
}

/** Subscribe to a subscription of a document; `onData(data)` per event, `onLive()` once the
 * socket is connected (and again after a reconnect). Returns `stop()`. */
export function subscribe(document, operationName, variables, onData, onError, onLive) {
  let stop = () => {};
  let stopped = false;
  const live = () => { if (!stopped && onLive) onLive(); };
  Promise.all([textOf(document), client()]).then(([query, socketNow]) => {
    if (stopped) return;
    whenConnected.add(live);
    const unsubscribe = socketNow.subscribe({ query, operationName, variables: variables || {} }, {
      next: (msg) => {
        if (msg.data) onData(msg.data);
        else if (msg.errors && onError) onError(msg.errors[0]);
      },
      error: (e) => onError && onError(e),
      complete: () => {},
    });
    if (connected) live();
    stop = () => { whenConnected.delete(live); unsubscribe(); };
  });
  return () => {
    stopped = true;
    stop();
  };
}

// -- helpers for pages ----------------------------------------------------------------------------
/** Go to a route of the console (`navigate("residents", { q: "王" })`). */
export function navigate(route, query) {
  const base = session.publicNode ? `/console/public/${session.publicNode}/` : "/console/";
  const search = query ? `?${new URLSearchParams(query)}` : "";
  window.history.pushState({}, "", base + route + search);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** A short message: `toast(t("已保存", "Saved"))`, `toast(error, "error")`. */
export function toast(message, type = "success") {
  const text = message instanceof Error ? message.message : String(message);
  import("element-plus").then(({ ElMessage }) => {
    ElMessage({ message: text, type, grouping: true, showClose: type === "error" });
  });
}

const icons = shallowRef(null);
let iconsLoading = null;

/** Start loading the icon set (once); a promise of it. */
export function loadIcons() {
  if (!iconsLoading) {
    iconsLoading = import("@element-plus/icons-vue").then((m) => { icons.value = m; return m; });
  }
  return iconsLoading;
}

/** An Element Plus icon by name (`icon("House")`): an empty icon box until the set has loaded,
 * then the icon (the render that asked re-runs by itself). */
export function icon(name) {
  const set = icons.value;
  if (!set) {
    loadIcons();
    return h("i", { class: "el-icon", "aria-hidden": "true" });
  }
  const component = set[name] || set.Document;
  // Element Plus's ElIcon is this <i class="el-icon">, without needing Element Plus loaded
  return h("i", { class: "el-icon", "aria-hidden": "true" }, h(component));
}

/** v-model for an Element Plus input: `<${ElInput} ...${model(form, "name")} />`. */
export function model(target, key) {
  return { modelValue: target[key], "onUpdate:modelValue": (v) => { target[key] = v; } };
}

/** A date-time in Asia/Shanghai, as the user reads it. */
export function when(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(session.lang === "en" ? "en-GB" : "zh-CN",
    { timeZone: "Asia/Shanghai", hour12: false });
}

/** The first page of a connection's nodes helper: `nodes(data.residents)`. */
export function nodes(connection) {
  return connection ? connection.edges.map((e) => e.node) : [];
}
