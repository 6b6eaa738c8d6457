// The signed-in console and the public pages: everything that needs Element Plus (921 KB of
// JavaScript and 363 KB of CSS). shell.js imports this module (and adds Element Plus's styles)
// only once someone is signed in or a public page is open, so the sign-in form — the first page
// most visitors see — loads without it (tests/benchmarks/bench_console_first_load.py).
import { h, defineAsyncComponent, markRaw } from "vue";
import ElementPlus, {
  ElConfigProvider, ElContainer, ElHeader, ElAside, ElMain, ElMenu, ElMenuItem, ElSelect,
  ElOption, ElButton, ElBadge, ElDrawer, ElResult, ElSkeleton,
} from "element-plus";
import zhCn from "element-plus/locale/zh-cn";
import en from "element-plus/locale/en";
import { html, session, t, icon, navigate, pageTitle, loadIcons } from "@linli/console";

/** Register Element Plus with the app (its directives and global components, for pages that
 * name them). */
export function install(app) {
  app.use(ElementPlus);
  loadIcons();
}

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

/** The views, given the shell's state and actions: `{ ui, currentPage, switchNode, logout,
 * Toggles }`. `render(body)` wraps one in Element Plus's locale and size. */
export function views({ ui, currentPage, switchNode, logout, Toggles }) {
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

  const NoNode = {
    setup() {
      return () => html`<${ElResult} icon="warning" title=${t("您还没有任何单位的成员身份", "You are not a member of any node yet")}>
        ${{ extra: () => html`<${ElButton} onClick=${logout}>${t("退出", "Sign out")}</${ElButton}>` }}
      </${ElResult}>`;
    },
  };

  function render(body) {
    return h(ElConfigProvider, { locale: session.lang === "en" ? en : zhCn,
      size: session.elder ? "large" : "default" }, () => body);
  }

  return { Frame, PublicFrame, NoNode, render };
}
