// 首页 Home: where am I, what can I open here.
import { ElCard } from "element-plus";
import { html, session, t, navigate, icon, pageTitle } from "@linli/console";

export default {
  setup() {
    return () => html`
      <section aria-labelledby="home-title">
        <h1 class="page-title" id="home-title">${t("您好，", "Hello, ")}${session.account.name}</h1>
        <p class="muted">${t("当前单位：", "Acting node: ")}${session.node.name}（${session.node.code}）</p>
        <div class="cards">
          ${session.pages.filter((p) => p.route !== "home").map((p) => html`
            <${ElCard} shadow="hover" key=${p.route} class="home-card">
              <a href=${`/console/${p.route}`} onClick=${(e) => { e.preventDefault(); navigate(p.route); }}>
                ${icon(p.icon)} ${pageTitle(p)}
              </a>
            </${ElCard}>`)}
        </div>
      </section>`;
  },
};
