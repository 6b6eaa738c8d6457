// 城市书房 · 办理读者证 Self-service card registration (自助办证) for any signed-in reader of a
// tenant of the county: name, 身份证号 and phone; a reader under 14 gets a child's card and names
// the guardian's card. One card per person per network: a second registration is refused.
import { reactive } from "vue";
import { ElInput, ElButton, ElAlert, ElForm, ElFormItem } from "element-plus";
import { html, t, doc, mutate, toast, model } from "@linli/console";

const OPS = doc(new URL("./register.graphql", import.meta.url));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ name: "", idNumber: "", phone: "", guardian: "", card: null, error: "", field: "" });
    async function register() {
      state.error = ""; state.field = "";
      const input = { name: state.name.trim(), idNumber: state.idNumber.trim() };
      if (state.phone.trim()) input.phone = state.phone.trim();
      if (state.guardian.trim()) input.guardianCardNumber = state.guardian.trim();
      try {
        state.card = (await mutate(OPS, "ReadingRoomConsoleRegister", { input })).card;
        toast(t(`读者证已办理：${state.card.cardNumber}`, `Card issued: ${state.card.cardNumber}`));
      } catch (e) { state.error = e.message; state.field = e.field || ""; }
    }
    return () => html`
      <section aria-labelledby="rr-register-title" class="rr-register">
        <h1 class="page-title" id="rr-register-title">${t("办理读者证", "Get a reader's card")}</h1>
        <p class="muted">${t("阅读和借阅免费。未满14岁的读者办少儿证，须填写监护人的读者证号。", "Reading and lending are free. Readers under 14 get a child's card and give a guardian's card number.")}</p>
        ${state.error ? html`<${ElAlert} type="error" class="register-error" data-field=${state.field} title=${state.error} showIcon closable=${false} />` : null}
        <${ElForm} labelPosition="top" class="register-form" onSubmit=${(e) => { e.preventDefault(); register(); }}>
          <${ElFormItem} label=${t("姓名", "Name")} for="rr-name"><${ElInput} id="rr-name" ...${model(state, "name")} /></${ElFormItem}>
          <${ElFormItem} label=${t("身份证号", "ID number")} for="rr-id"><${ElInput} id="rr-id" ...${model(state, "idNumber")} /></${ElFormItem}>
          <${ElFormItem} label=${t("手机号（选填）", "Phone (optional)")} for="rr-phone"><${ElInput} id="rr-phone" ...${model(state, "phone")} /></${ElFormItem}>
          <${ElFormItem} label=${t("监护人读者证号（少儿证）", "Guardian's card number (child's card)")} for="rr-guardian"><${ElInput} id="rr-guardian" ...${model(state, "guardian")} /></${ElFormItem}>
          <${ElButton} type="primary" class="register" onClick=${register}>${t("办理", "Register")}</${ElButton}>
        </${ElForm}>
        ${state.card ? html`<div class="board-item rr-new-card">
          <h2>${state.card.name}</h2>
          <p>${t("证号", "Card")} <strong class="card-number">${state.card.cardNumber}</strong> · ${state.card.readerType === "child" ? t("少儿证", "child's card") : t("成人证", "adult card")} · ${t("有效期至", "valid until")} ${state.card.expiresOn}</p>
        </div>` : null}
      </section>`;
  },
};
