// The console shell: sign-in, acting node, navigation from consolePages (core's pages and those
// of the plugins enabled for the node, where the user holds the permission), language,
// elder-friendly mode (适老化), the notifications count (live), and the page area.
// The sign-in form is plain HTML on Vue: Element Plus and the signed-in views (frame.js) are
// imported once someone signs in or a public page opens — and fetched in the background while
// the form waits — so the first page loads only Vue, htm and the kit.
import { createApp, h, computed, reactive, shallowRef, onMounted } from "vue";
import {
  html, session, t, setLanguage, setElder, doc, query, mutate, subscribe, keepTokens, dropTokens,
  refreshToken, signedIn, navigate,
} from "@linli/console";

const SESSION = doc("console/session.graphql");
const ui = reactive({ ready: false, drawer: false, error: null, pagesOf: "" });

function readLocation() {
  const path = window.location.pathname.replace(/^\/console\/?/, "");
  const match = path.match(/^public\/([^/]+)\/?(.*)$/);
  session.publicNode = match ? decodeURIComponent(match[1]) : null;
  session.route = (match ? match[2] : path).replace(/\/$/, "");
  session.query = Object.fromEntries(new URLSearchParams(window.location.search));
}

async function loadPages() {
  if (session.publicNode) {
    const data = await query(SESSION, "ConsolePublicPages");
    session.pages = data.consolePages;
    return;
  }
  const data = await query(SESSION, "ConsolePages");
  session.pages = data.consolePages;
  session.unread = data.unreadNotificationCount;
  ui.pagesOf = session.node ? session.node.name : "";
}

let stopInbox = () => {};

async function start() {
  ui.error = null;
  try {
    if (session.publicNode) {
      await loadPages();
    } else if (signedIn()) {
      const me = (await query(SESSION, "ConsoleMe")).me;
      session.account = { id: me.id, name: me.name, isOperator: me.isOperator };
      const seen = new Map();
      for (const m of me.memberships) if (!seen.has(m.node.code)) seen.set(m.node.code, m.node);
      session.memberships = [...seen.values()].sort((a, b) => a.code.localeCompare(b.code));
      const stored = window.localStorage.getItem("linli.node");
      session.node = seen.get(stored) || session.memberships[0] || null;
      if (session.node) {
        await loadPages();
        stopInbox();
        stopInbox = subscribe(SESSION, "ConsoleNotificationAdded", {}, () => {
          session.unread += 1;
        });
      }
    }
  } catch (e) {
    ui.error = e;
  }
  ui.ready = true;
}

async function switchNode(code) {
  session.node = session.memberships.find((n) => n.code === code) || session.node;
  window.localStorage.setItem("linli.node", session.node.code);
  await loadPages();
  stopInbox();
  stopInbox = subscribe(SESSION, "ConsoleNotificationAdded", {}, () => { session.unread += 1; });
  if (!currentPage.value) navigate("home");
}

async function logout() {
  try {
    await mutate(SESSION, "ConsoleLogout", { refreshToken: refreshToken() });
  } catch { /* the session may be gone already */ }
  stopInbox();
  dropTokens();
  Object.assign(session, { account: null, node: null, memberships: [], pages: [], unread: 0 });
  navigate("");
}

const currentPage = computed(() => {
  const route = session.route || (session.publicNode ? "" : "home");
  let best = null;
  for (const p of session.pages) {
    if ((route === p.route || route.startsWith(p.route + "/"))
        && (!best || p.route.length > best.route.length)) best = p;
  }
  if (!best && session.publicNode && !route && session.pages.length) return session.pages[0];
  return best;
});

// -- frame.js: Element Plus and the signed-in views, imported when first needed ------------------
const frame = shallowRef(null);
let frameLoading = null;
let app = null;

function meta(name) {
  const found = document.querySelector(`meta[name="${name}"]`);
  return found ? found.content : "";
}

/** Fetch frame.js, Element Plus and its styles into the HTTP cache (their URLs name their hashes
 * and are cached as immutable) without running them: the sign-in form stays responsive. */
function prefetchFrame() {
  const { imports } = JSON.parse(document.querySelector('script[type="importmap"]').textContent);
  for (const url of [meta("linli-frame"), meta("linli-element-plus-css"), imports["element-plus"],
    imports["element-plus/locale/zh-cn"], imports["element-plus/locale/en"]]) {
    fetch(url).catch(() => {});
  }
}

function loadFrame() {
  if (!frameLoading) {
    const styles = new Promise((resolve) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = meta("linli-element-plus-css");
      link.onload = resolve;
      link.onerror = resolve;
      // before shell.css, whose rules override Element Plus's
      document.head.insertBefore(link, document.querySelector('link[rel="stylesheet"]'));
    });
    frameLoading = Promise.all([import(meta("linli-frame")), styles]).then(([m]) => {
      m.install(app);
      frame.value = m.views({ ui, currentPage, switchNode, logout, Toggles });
      return frame.value;
    });
  }
  return frameLoading;
}

// -- views ----------------------------------------------------------------------------------------
const Login = {
  setup() {
    const form = reactive({ login: "", password: "", busy: false, error: "" });
    async function submit() {
      form.busy = true;
      form.error = "";
      const framing = loadFrame(); // while the server checks the password
      try {
        const out = await mutate(SESSION, "ConsoleLogin",
          { login: form.login.trim(), password: form.password });
        keepTokens(out);
        form.password = "";
        ui.ready = false;
        await Promise.all([start(), framing]);
        if (!session.route) navigate("home");
      } catch (e) {
        form.error = e.message;
      } finally {
        form.busy = false;
      }
    }
    const input = (key) => ({ value: form[key], onInput: (e) => { form[key] = e.target.value; } });
    return () => html`
      <main class="login" aria-labelledby="login-title">
        <div class="login-card">
          <h1 id="login-title">${t("邻里 · 社区工作台", "Linli · community console")}</h1>
          <p class="muted">${t("街道、社区、网格与楼长共用", "For street offices, communities, grids and building heads")}</p>
          <form class="login-form" onSubmit=${(e) => { e.preventDefault(); submit(); }}>
            <label for="login-name">${t("账号", "Account")}</label>
            <input id="login-name" class="field" name="username" autocomplete="username" ...${input("login")} />
            <label for="login-password">${t("密码", "Password")}</label>
            <input id="login-password" class="field" name="password" type="password"
              autocomplete="current-password" ...${input("password")} />
            ${form.error ? html`<p class="login-error" role="alert">${form.error}</p>` : null}
            <button type="submit" class="primary wide" disabled=${form.busy} aria-busy=${form.busy ? "true" : "false"}>
              ${form.busy ? t("正在登录…", "Signing in…", ["请稍等…", "Please wait…"]) : t("登录", "Sign in")}</button>
          </form>
          <${Toggles} />
        </div>
      </main>`;
  },
};

// plain buttons (no Element Plus): the sign-in page shows them too
const Toggles = {
  setup() {
    return () => html`
      <div class="toggles">
        <button type="button" class="lang link-button" onClick=${() => setLanguage(session.lang === "en" ? "zh" : "en")}
          aria-label=${t("Switch to English", "切换到中文")}>${session.lang === "en" ? "中文" : "English"}</button>
        <span class="elder-toggle">
          <button type="button" role="switch" id="elder-switch" class=${`el-switch${session.elder ? " is-checked" : ""}`}
            aria-checked=${session.elder ? "true" : "false"} onClick=${() => setElder(!session.elder)}
            aria-label=${t("长辈模式（适老化：大字、高对比、说法简单）", "Elder-friendly mode (large text, high contrast, plain words)")}></button>
          <label for="elder-switch">${t("长辈模式", "Elder mode")}</label>
        </span>
      </div>`;
  },
};

function Problem({ message }) {
  return html`<div class="boot" role="alert"><p>${message}</p>
    <button type="button" class="primary" onClick=${logout}>${t("重新登录", "Sign in again")}</button></div>`;
}

const Root = {
  setup() {
    onMounted(() => {
      window.addEventListener("popstate", () => readLocation());
      window.addEventListener("linli:signed-out", () => {
        dropTokens();
        Object.assign(session, { account: null, node: null, pages: [] });
      });
      // the form is on screen: download (not yet run) the rest while the user types
      if (!frameLoading) {
        const idle = window.requestIdleCallback || ((f) => window.setTimeout(f, 200));
        idle(prefetchFrame, { timeout: 3000 });
      }
    });
    return () => {
      const loading = html`<p class="boot">${t("正在加载…", "Loading…")}</p>`;
      if (!ui.ready) return loading;
      if (ui.error && !session.publicNode && !session.account) return h(Problem, { message: ui.error.message });
      if (!session.publicNode && !session.account) return html`<${Login} />`;
      const views = frame.value;
      if (!views) {
        loadFrame();
        return loading;
      }
      let body;
      if (session.publicNode) body = html`<${views.PublicFrame} />`;
      else if (!session.node) body = html`<${views.NoNode} />`;
      else body = html`<${views.Frame} />`;
      return views.render(body);
    };
  },
};

readLocation();
setLanguage(session.lang);
setElder(session.elder);
start();
app = createApp(Root);
app.mount("#app");
