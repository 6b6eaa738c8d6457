// 幸福食堂控制台 · 共用 Words shared by the canteen pages (statuses, meal slots, refusal reasons).
import { t } from "@linli/console";

const WORDS = {
  PLANNED: ["规划中", "planned"], SIGNED: ["已签约", "signed"], FITTING_OUT: ["装修中", "fitting out"],
  READY: ["达到运营条件", "ready"], OPERATING: ["运营中", "operating"], SUSPENDED: ["暂停", "suspended"],
  CLOSED: ["已关闭", "closed"],
  BREAKFAST: ["早餐", "breakfast"], LUNCH: ["午餐", "lunch"], DINNER: ["晚餐", "dinner"],
  NEW_BUILT: ["新建/改建", "newly built"], ENTERPRISE_LISTED: ["企业挂牌", "enterprise-listed"],
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
