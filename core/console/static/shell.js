// The console shell: sign-in, acting node, navigation from consolePages (core's pages and those
// of the plugins enabled for the node, where the user holds the permission), language,
// elder-friendly mode (适老化), the notifications count (live), and the page area.
import { createApp, h, computed, defineAsyncComponent, markRaw, reactive, onMounted } from "vue";
import ElementPlus, {
  ElConfigProvider, ElContainer, ElHeader, ElAside, ElMain, ElMenu, ElMenuItem, ElSelect,
  ElOption, ElButton, ElBadge, ElSwitch, ElForm, ElFormItem, ElInput, ElDrawer, ElAlert,
  ElResult, ElSkeleton,
} from "element-plus";
import zhCn from "element-plus/locale/zh-cn";
import en from "element-plus/locale/en";
import {
  html, session, t, setLanguage, setElder, doc, query, mutate, subscribe, keepTokens, dropTokens,
  refreshToken, signedIn, icon, model, toast, navigate, pageTitle,
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

const components = new Map();
function componentOf(page) {
  if (!components.has(page.moduleUrl)) {
    components.set(page.moduleUrl, markRaw(defineAsyncComponent({
      loader: () => import(page.moduleUrl).then((m) => m.default),
      loadingComponent: { render: () => h(ElSkeleton, { rows: 4, animated: true }) },
      errorComponent: { render: () => h(ElResult, { icon: "error",
        title: t("页面加载失败", "The page failed to load") }) },
    })));
  }
  return components.get(page.moduleUrl);
}

// -- views ----------------------------------------------------------------------------------------
const Login = {
  setup() {
    const form = reactive({ login: "", password: "", busy: false, error: "" });
    async function submit() {
      form.busy = true;
      form.error = "";
      try {
        const out = await mutate(SESSION, "ConsoleLogin",
          { login: form.login.trim(), password: form.password });
        keepTokens(out);
        form.password = "";
        ui.ready = false;
        await start();
        if (!session.route) navigate("home");
      } catch (e) {
        form.error = e.message;
      } finally {
        form.busy = false;
      }
    }
    return () => html`
      <main class="login" aria-labelledby="login-title">
        <div class="login-card">
          <h1 id="login-title">${t("邻里 · 社区工作台", "Linli · community console")}</h1>
          <p class="muted">${t("街道、社区、网格与楼长共用", "For street offices, communities, grids and building heads")}</p>
          <${ElForm} labelPosition="top" onSubmit=${(e) => { e.preventDefault(); submit(); }}>
            <${ElFormItem} label=${t("账号", "Account")} for="login-name">
              <${ElInput} id="login-name" name="username" autocomplete="username" ...${model(form, "login")} />
            </${ElFormItem}>
            <${ElFormItem} label=${t("密码", "Password")} for="login-password">
              <${ElInput} id="login-password" name="password" type="password" showPassword
                autocomplete="current-password" ...${model(form, "password")}
                onKeyup=${(e) => e.key === "Enter" && submit()} />
            </${ElFormItem}>
            ${form.error ? html`<${ElAlert} type="error" title=${form.error} showIcon closable=${false} class="login-error" />` : null}
            <${ElButton} type="primary" class="wide" loading=${form.busy} onClick=${submit}
              nativeType="submit">${t("登录", "Sign in")}</${ElButton}>
          </${ElForm}>
          <${Toggles} />
        </div>
      </main>`;
  },
};

const Toggles = {
  setup() {
    return () => html`
      <div class="toggles">
        <${ElButton} text class="lang" onClick=${() => setLanguage(session.lang === "en" ? "zh" : "en")}
          aria-label=${t("Switch to English", "切换到中文")}>${session.lang === "en" ? "中文" : "English"}</${ElButton}>
        <label class="elder-toggle">
          <${ElSwitch} modelValue=${session.elder} onChange=${setElder}
            ariaLabel=${t("长辈模式（适老化：大字、高对比、说法简单）", "Elder-friendly mode (large text, high contrast, plain words)")} />
          <span>${t("长辈模式", "Elder mode")}</span>
        </label>
      </div>`;
  },
};

function nav(close) {
  const active = currentPage.value ? currentPage.value.route : "";
  return html`
    <${ElMenu} defaultActive=${active} key=${active + session.pages.length} class="nav"
      aria-label=${t("导航", "Navigation")}
      onSelect=${(route) => { navigate(route); if (close) close(); }}>
      ${session.pages.map((p) => html`
        <${ElMenuItem} index=${p.route} key=${p.route} data-route=${p.route}>
          ${{ default: () => [icon(p.icon), html`<span>${pageTitle(p)}</span>`] }}
        </${ElMenuItem}>`)}
    </${ElMenu}>`;
}

const Frame = {
  setup() {
    return () => {
      const page = currentPage.value;
      const pageView = page
        ? h(componentOf(page), { key: `${session.node ? session.node.code : session.publicNode}:${page.route}`,
            route: session.route, query: session.query, page })
        : html`<${ElResult} icon="warning" title=${t("没有这个页面或没有权限", "No such page, or no permission")} />`;
      const switcher = session.memberships.length > 1
        ? html`<${ElSelect} class="node-switch" modelValue=${session.node.code} onChange=${switchNode}
            ariaLabel=${t("当前单位", "Acting node")} size="default" teleported=${false}>
            ${session.memberships.map((n) => html`<${ElOption} key=${n.code} value=${n.code} label=${n.name} />`)}
          </${ElSelect}>`
        : html`<span class="node-name">${session.node.name}</span>`;
      return html`
        <${ElContainer} class="frame" data-pages-of=${ui.pagesOf}>
          <${ElHeader} class="top">
            <${ElButton} class="menu-button" text aria-label=${t("打开导航", "Open navigation")}
              onClick=${() => { ui.drawer = true; }}>${icon("Menu")}</${ElButton}>
            <span class="brand">${t("邻里", "Linli")}</span>
            ${switcher}
            <span class="spacer"></span>
            <${ElButton} text class="bell" aria-label=${t(`通知，${session.unread} 条未读`, `Notifications, ${session.unread} unread`)}
              onClick=${() => navigate("notifications")}>
              <${ElBadge} value=${session.unread} hidden=${!session.unread} max=${99} class="unread">${icon("Bell")}</${ElBadge}>
            </${ElButton}>
            <${Toggles} />
            <span class="who">${session.account.name}</span>
            <${ElButton} class="logout" onClick=${logout}>${t("退出", "Sign out")}</${ElButton}>
          </${ElHeader}>
          <${ElContainer}>
            <${ElAside} class="side" width="220px">${nav()}</${ElAside}>
            <${ElMain} class="main" id="main">
              <div class="page" data-page=${page ? page.route : ""}>${pageView}</div>
            </${ElMain}>
          </${ElContainer}>
          <${ElDrawer} modelValue=${ui.drawer} onUpdate:modelValue=${(v) => { ui.drawer = v; }}
            direction="ltr" size="260px" title=${t("导航", "Navigation")}>
            ${nav(() => { ui.drawer = false; })}
          </${ElDrawer}>
        </${ElContainer}>`;
    };
  },
};

const PublicFrame = {
  setup() {
    return () => {
      const page = currentPage.value;
      return html`
        <div class="public">
          <header class="top public-top">
            <span class="brand">${t("邻里 · 社区公开栏", "Linli · community board")}</span>
            <span class="node-name">${session.publicNode}</span>
            <span class="spacer"></span>
            <${Toggles} />
          </header>
          ${session.pages.length > 1 ? html`<nav class="public-nav" aria-label=${t("公开页面", "Public pages")}>
            ${session.pages.map((p) => html`<a href=${`/console/public/${session.publicNode}/${p.route}`}
              onClick=${(e) => { e.preventDefault(); navigate(p.route); }}>${pageTitle(p)}</a>`)}
          </nav>` : null}
          <main class="main page" id="main" data-page=${page ? page.route : ""}>
            ${page ? h(componentOf(page), { key: page.route, route: session.route, query: session.query, page, public: true })
              : html`<${ElResult} icon="info" title=${t("这个社区还没有公开页面", "This community has no public page yet")} />`}
          </main>
        </div>`;
    };
  },
};

const Root = {
  setup() {
    onMounted(() => {
      window.addEventListener("popstate", () => readLocation());
      window.addEventListener("linli:signed-out", () => {
        dropTokens();
        Object.assign(session, { account: null, node: null, pages: [] });
      });
    });
    return () => {
      let body;
      if (!ui.ready) body = html`<p class="boot">${t("正在加载…", "Loading…")}</p>`;
      else if (ui.error && !session.publicNode && !session.account) {
        body = html`<${ElResult} icon="error" title=${ui.error.message}>
          ${{ extra: () => html`<${ElButton} onClick=${logout}>${t("重新登录", "Sign in again")}</${ElButton}>` }}
        </${ElResult}>`;
      } else if (session.publicNode) body = html`<${PublicFrame} />`;
      else if (!session.account) body = html`<${Login} />`;
      else if (!session.node) {
        body = html`<${ElResult} icon="warning" title=${t("您还没有任何单位的成员身份", "You are not a member of any node yet")}>
          ${{ extra: () => html`<${ElButton} onClick=${logout}>${t("退出", "Sign out")}</${ElButton}>` }}
        </${ElResult}>`;
      } else body = html`<${Frame} />`;
      return h(ElConfigProvider, { locale: session.lang === "en" ? en : zhCn,
        size: session.elder ? "large" : "default" }, () => body);
    };
  },
};

readLocation();
setLanguage(session.lang);
setElder(session.elder);
start();
createApp(Root).use(ElementPlus).mount("#app");
