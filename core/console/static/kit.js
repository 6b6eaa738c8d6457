// @linli/console — what a console page imports from the shell (the import map names this file).
// Pages are plain ES modules: `export default { setup(props) { …; return () => html`…` } }`.
// Every operation comes from a committed .graphql document (never a string built at run time):
//   const ops = doc("console/residents.graphql")                      // graphql/operations/…
//   const ops = doc(new URL("./visits.graphql", import.meta.url))     // a plugin's console/ folder
//   const data = await query(ops, "ConsoleResidents", { first: 20 })
//   const payload = await mutate(ops, "ConsoleRevealResident", { … }) // throws ApiError on UserError
//   const stop = subscribe(ops, "BoardUpdates", {}, (data) => …)       // graphql-ws, live
import { h, reactive, markRaw } from "vue";
import htm from "htm";
import { ElMessage, ElIcon } from "element-plus";
import * as Icons from "@element-plus/icons-vue";
import { createClient } from "graphql-ws";

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

/** The text in the user's language: `t("居民", "Residents")`. */
export function t(zh, en) {
  return session.lang === "en" ? en : zh;
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

async function send(document, operationName, variables, { auth = true, retry = true } = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json",
                    "Accept-Language": session.lang === "en" ? "en" : "zh-CN" };
  const node = nodeCode();
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

/** Run a query of a document; its data (an ApiError when the server refuses). */
export function query(document, operationName, variables) {
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

function client() {
  const key = `${nodeCode()}|${signedIn() && !session.publicNode}`;
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
  textOf(document).then((query) => {
    if (stopped) return;
    whenConnected.add(live);
    const unsubscribe = client().subscribe({ query, operationName, variables: variables || {} }, {
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
  ElMessage({ message: text, type, grouping: true, showClose: type === "error" });
}

/** An Element Plus icon by name (`icon("House")`). */
export function icon(name) {
  const component = Icons[name] || Icons.Document;
  return h(ElIcon, { "aria-hidden": "true" }, () => h(component));
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
