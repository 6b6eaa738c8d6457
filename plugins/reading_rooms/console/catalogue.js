// 城市书房 · 馆藏检索 The catalogue search: words of a title, an author or an ISBN; the copies on
// the shelf in each room. Also a public page (no login) at /console/public/<node>/reading-rooms/catalogue.
import { reactive, onMounted } from "vue";
import { ElInput, ElButton, ElSelect, ElOption, ElTag } from "element-plus";
import { html, t, doc, query, toast, model, nodes } from "@linli/console";

const OPS = doc(new URL("./catalogue.graphql", import.meta.url));
// 中国图书馆分类法 the 22 classes
const CLASSES = "ABCDEFGHIJKNOPQRSTUVXZ".split("");

export default {
  props: ["route", "query", "page", "public"],
  setup(props) {
    const state = reactive({ words: (props.query && props.query.q) || "", letter: "", rows: [], next: null, busy: false, searched: false });
    async function search(more = false) {
      state.busy = true;
      try {
        const data = await query(OPS, "ReadingRoomConsoleSearch", { words: state.words.trim() || null,
          classLetter: state.letter || null, after: more ? state.next : null });
        const rows = nodes(data.readingRoomSearch);
        state.rows = more ? state.rows.concat(rows) : rows;
        state.next = data.readingRoomSearch.pageInfo.hasNextPage ? data.readingRoomSearch.pageInfo.endCursor : null;
        state.searched = true;
      } catch (e) { toast(e, "error"); } finally { state.busy = false; }
    }
    onMounted(() => { if (state.words) search(); });
    return () => html`
      <section aria-labelledby="rr-catalogue-title" class="rr-catalogue">
        <h1 class="page-title" id="rr-catalogue-title">${props.public ? t("城市书房 · 找书", "City reading rooms · find a book") : t("馆藏检索", "Catalogue")}</h1>
        <form class="toolbar" role="search" onSubmit=${(e) => { e.preventDefault(); search(); }}>
          <${ElInput} id="rr-words" ...${model(state, "words")} clearable
            placeholder=${t("书名、作者或ISBN", "Title, author or ISBN")} ariaLabel=${t("书名、作者或ISBN", "Title, author or ISBN")} />
          <${ElSelect} modelValue=${state.letter} onChange=${(v) => { state.letter = v; }} clearable class="tag-filter"
            placeholder=${t("分类", "Class")} ariaLabel=${t("分类", "Class")}>
            ${CLASSES.map((c) => html`<${ElOption} key=${c} value=${c} label=${c} />`)}
          </${ElSelect}>
          <${ElButton} type="primary" nativeType="submit" class="search" loading=${state.busy}>${t("查找", "Search")}</${ElButton}>
        </form>
        ${state.searched && !state.rows.length ? html`<p class="muted">${t("没有找到", "Nothing found")}</p>` : null}
        <ul class="cards rr-titles">
          ${state.rows.map((b) => html`<li key=${b.id} class="board-item rr-title">
            <h2>${b.title}</h2>
            <p class="muted">${b.authors} · ${b.publisher}${b.year ? ` · ${b.year}` : ""}</p>
            <p>${t("索书号", "Call number")} <strong>${b.callNumber}</strong> · ${b.className}</p>
            <p class="rr-where">${b.availability.length ? b.availability.map((a) => html`<${ElTag} key=${a.room ? a.room.id : "x"} class="tag" type=${a.available ? "success" : "info"} effect="plain">${a.room ? a.room.name : "—"}：${t(`在架 ${a.available} 本`, `${a.available} on the shelf`)}</${ElTag}>`) : t("暂无在架", "none on the shelf")}</p>
          </li>`)}
        </ul>
        ${state.next ? html`<${ElButton} class="more" onClick=${() => search(true)}>${t("加载更多", "Load more")}</${ElButton}>` : null}
      </section>`;
  },
};
