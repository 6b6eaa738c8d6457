// 无偿献血 · 我的献血 A resident signed in as themselves: award progress towards bronze, silver and
// gold, their results, the next day the donation intervals allow, and their own bookings — here
// and at other street offices — each cancellable while open. Nobody else's record is reachable.
import { reactive, onMounted } from "vue";
import { ElButton, ElEmpty, ElProgress, ElTag } from "element-plus";
import { html, t, doc, query, mutate, toast } from "@linli/console";

const OPS = doc(new URL("./mine.graphql", import.meta.url));
const TIER = { BRONZE: ["铜奖", "bronze"], SILVER: ["银奖", "silver"], GOLD: ["金奖", "gold"] };
const STATUS = { BOOKED: ["已预约", "Booked"], CANCELLED: ["已取消", "Cancelled"],
  CHECKED_IN: ["已签到", "Checked in"], DONATED: ["已献血", "Donated"], DEFERRED: ["暂缓", "Deferred"],
  NO_SHOW: ["未到场", "No show"], ATTENDED: ["已到场", "Attended"], PASSED: ["已过期", "Passed"] };
const KIND = { WHOLE_BLOOD: ["全血", "whole blood"], PLATELETS: ["血小板", "platelets"] };

function hm(iso) {
  return new Date(iso).toLocaleTimeString("zh-CN",
    { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false });
}
const label = (map, key) => t(...(map[key] || [key, key]));

export default {
  props: ["route", "query", "page"],
  setup() {
    const state = reactive({ me: null, loaded: false, busy: false });
    async function load() {
      try { state.me = (await query(OPS, "BloodDriveConsoleMine")).bloodDriveMyDonor; }
      catch (e) { toast(e, "error"); }
      state.loaded = true;
    }
    onMounted(load);
    async function cancel(bookingId, streetOfficeCode) {
      state.busy = true;
      try {
        await mutate(OPS, "BloodDriveConsoleMineCancel", { input: streetOfficeCode
          ? { bookingId, streetOfficeCode } : { bookingId } });
        toast(t("预约已取消", "Booking cancelled"));
        await load();
      } catch (e) { toast(e, "error"); }
      finally { state.busy = false; }
    }
    const cancelButton = (onClick) => html` <${ElButton} size="small" class="cancel-mine"
      loading=${state.busy} onClick=${onClick}>${t("取消预约", "Cancel")}</${ElButton}>`;
    function progress(h) {
      const pct = h.nextAt ? Math.min(100, Math.round((h.count / h.nextAt) * 100)) : 100;
      return html`<div class="board-item honours">
        <strong>${t(`累计献血 ${h.count} 次`, `${h.count} donations counted`)}
          ${h.tier ? html` <${ElTag} type="success">${t("已达", "reached")} ${label(TIER, h.tier)}</${ElTag}>` : null}
          ${h.lifetimeAward ? html` <${ElTag} type="warning">${t("终身荣誉奖", "lifetime award")}</${ElTag}>` : null}</strong>
        ${h.nextTier ? html`<div>${t(`距${label(TIER, h.nextTier)}（${h.nextAt} 次）还差 ${h.remaining} 次`,
            `${h.remaining} to go for ${label(TIER, h.nextTier)} (${h.nextAt})`)}</div>
          <${ElProgress} percentage=${pct} ariaLabel=${t("表彰进度", "Award progress")} />` : null}
      </div>`;
    }
    const booking = (b) => html`<div key=${b.id} class="board-item booking">
      <strong>${b.session ? `${b.session.heldOn} ` : ""}${b.slot ? `${hm(b.slot.startsAt)}–${hm(b.slot.endsAt)} ` : ""}${b.session ? b.session.siteName : ""}</strong>
      ${b.session && b.session.campaign ? html`<div>${b.session.campaign.title}</div>` : null}
      <div><${ElTag} class="booking-status">${label(STATUS, b.status)}</${ElTag}>
        ${b.status === "BOOKED" ? cancelButton(() => cancel(b.id, null)) : null}</div>
    </div>`;
    const visit = (v) => html`<div key=${v.bookingId} class="board-item visit">
      <strong>${v.heldOn} ${hm(v.startsAt)}–${hm(v.endsAt)} · ${v.streetOfficeName}</strong>
      <div>${v.siteName}${v.address ? ` · ${v.address}` : ""}</div>
      <div><${ElTag} class="visit-status">${label(STATUS, v.status)}</${ElTag}>
        ${v.status === "BOOKED" ? cancelButton(() => cancel(v.bookingId, v.streetOfficeCode)) : null}</div>
    </div>`;
    const donation = (d) => html`<li key=${d.id}>${d.donatedOn} · ${label(KIND, d.kind)}
      ${d.outcome === "DONATED" ? ` ${d.volumeMl} mL · ${t(`计 ${d.count} 次`, `counts ${d.count}`)}` : ` · ${t("暂缓", "deferred")}`}</li>`;

    return () => {
      const me = state.me;
      return html`<section aria-labelledby="bd-mine-title">
        <h1 class="page-title" id="bd-mine-title">${t("我的献血", "My blood donations")}</h1>
        ${state.loaded && !me ? html`<${ElEmpty} description=${t("您还没有在本街镇登记为献血者",
          "You are not registered as a donor in this street office")} />` : null}
        ${me ? html`
          <h2>${t("表彰进度", "Award progress")}</h2>
          ${progress(me.honours)}
          <h2>${t("下次可献血", "Next donation")}</h2>
          <p class="next-eligible">${t(`全血最早 ${me.nextEligibleOn} 起可再献（献血前仍需健康征询）`,
            `Whole blood from ${me.nextEligibleOn} (a pre-check is still asked on the day)`)}</p>
          <h2>${t("我的预约", "My bookings")}</h2>
          ${me.bookings.length ? html`<div class="board-list bookings">${me.bookings.map(booking)}</div>`
            : html`<p class="muted">${t("暂无", "None yet")}</p>`}
          <h2>${t("在其他街镇的预约", "Bookings at other street offices")}</h2>
          ${me.visits.length ? html`<div class="board-list visits">${me.visits.map(visit)}</div>`
            : html`<p class="muted">${t("暂无", "None yet")}</p>`}
          <h2>${t("献血记录", "Donations")}</h2>
          ${me.donations.length ? html`<ul class="donations">${me.donations.map(donation)}</ul>`
            : html`<p class="muted">${t("暂无", "None yet")}</p>`}` : null}
      </section>`;
    };
  },
};
