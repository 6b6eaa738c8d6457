// 幸福食堂控制台 · 共用 Words shared by the canteen pages (statuses, meal slots, refusal reasons).
import { t } from "@linli/console";

const WORDS = {
  PLANNED: ["规划中", "planned"], SIGNED: ["已签约", "signed"], FITTING_OUT: ["装修中", "fitting out"],
  READY: ["达到运营条件", "ready"], OPERATING: ["运营中", "operating"], SUSPENDED: ["暂停", "suspended"],
  CLOSED: ["已关闭", "closed"],
  BREAKFAST: ["早餐", "breakfast"], LUNCH: ["午餐", "lunch"], DINNER: ["晚餐", "dinner"],
  NEW_BUILT: ["新建改造型", "newly built or renovated"], ENTERPRISE_LISTED: ["企业挂牌型", "enterprise-listed"],
  generated: ["待审核", "awaiting review"], approved: ["已通过", "approved"], returned: ["已退回", "returned"],
  daily_cap: ["当日补贴次数已满", "daily subsidy already used"],
  not_eligible: ["不符合补贴条件", "not eligible for a subsidy"],
};

export const word = (w) => (WORDS[w] ? t(WORDS[w][0], WORDS[w][1]) : w);
export const yuan = (fen) => `¥${(fen / 100).toFixed(2)}`;
export const WEEKDAYS = [["周一", "Mon"], ["周二", "Tue"], ["周三", "Wed"], ["周四", "Thu"],
  ["周五", "Fri"], ["周六", "Sat"], ["周日", "Sun"]];
/** This month in Asia/Shanghai, YYYY-MM. */
export const thisMonth = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);
/** The Monday of this week (or `weeks` later) in Asia/Shanghai, YYYY-MM-DD. */
export function monday(weeks = 0) {
  const now = new Date(Date.now() + 8 * 3600e3);
  const back = (now.getUTCDay() + 6) % 7;
  return new Date(now.getTime() + (weeks * 7 - back) * 86400e3).toISOString().slice(0, 10);
}
/** A file's bytes as base64 (uploads travel inside the GraphQL input). */
export function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return window.btoa(text);
}
/** The status steps a canteen goes through, in order. */
export const STATUSES = ["PLANNED", "SIGNED", "FITTING_OUT", "READY", "OPERATING", "SUSPENDED", "CLOSED"];
