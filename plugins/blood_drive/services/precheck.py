"""献血前健康征询 The self-reported pre-check (GB 18467-2011 and the blood donation law, as
rule values): answers "eligible", "not yet — eligible from DATE" or "not eligible — reasons".

The answers are health data: sealed at rest (``seal_personal``), never logged, returned only
to the donor and to site or station staff; the computation itself is pure."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    get_resident,
    now_utc,
    open_personal,
    seal_personal,
    today_shanghai,
)
from plugins.blood_drive.services.common import (
    add_months,
    age_on,
    can_see_health,
    node_of,
    rule_values,
)
from plugins.blood_drive.tables import Donation, Donor, Precheck

__all__ = [
    "KINDS",
    "PRECHECK_KEYS",
    "Answers",
    "Outcome",
    "PastDonation",
    "assess",
    "history_of",
    "interval_end",
    "open_precheck",
    "prechecks_by_ids",
    "submit_precheck",
    "waits_of",
]

KINDS = ("whole_blood", "platelets")
PRECHECK_KEYS = (
    "blood_drive.age_min", "blood_drive.age_max", "blood_drive.age_max_repeat",
    "blood_drive.weight_min_male_kg", "blood_drive.weight_min_female_kg",
    "blood_drive.intervals", "blood_drive.platelets_per_year",
)

REASONS: dict[str, tuple[str, str]] = {
    "age_below_minimum": ("未满最低献血年龄", "below the minimum age"),
    "age_above_maximum": ("超过最高献血年龄", "above the maximum age"),
    "weight_below_minimum": ("体重低于标准", "weight below the minimum"),
    "interval": ("距上次献血间隔不足", "too soon after the last donation"),
    "platelets_per_year": ("本年度单采血小板次数已满",
                           "this year's platelet donations are used up"),
    "unwell": ("自述身体不适或正在服药", "reported feeling unwell or taking medicine"),
}


@dataclass(frozen=True)
class PastDonation:
    donated_on: date
    kind: str


@dataclass(frozen=True)
class Answers:
    """What the donor reports (sealed as JSON)."""

    weight_kg: int
    planned_kind: str = "whole_blood"
    adverse_reaction_before: bool = False
    feeling_well: bool = True
    last_donation_on: date | None = None
    """A donation elsewhere, not in Linli's records."""
    last_donation_kind: str | None = None


@dataclass(frozen=True)
class Outcome:
    outcome: str
    """eligible | eligible_from | not_eligible."""
    eligible_on: date | None = None
    reasons: tuple[str, ...] = ()
    rule_versions: dict[str, int] = field(default_factory=dict)


def interval_end(last: PastDonation, planned: str, intervals: dict[str, Any]) -> date:
    spec = intervals[f"{last.kind}>{planned}"]
    if "months" in spec:
        return add_months(last.donated_on, int(spec["months"]))
    return last.donated_on + timedelta(days=int(spec["days"]))


def waits_of(rules: dict[str, Any], history: list[PastDonation], planned: str, on: date
             ) -> list[tuple[date, str]]:
    """What the history makes a donation of ``planned`` wait for on ``on``: the end of the
    longest interval still running, 1 January after a full platelet year."""
    waits: list[tuple[date, str]] = []
    latest: date | None = None
    for past in history:
        allowed = interval_end(past, planned, rules["blood_drive.intervals"])
        if allowed > on and (latest is None or allowed > latest):
            latest = allowed
    if latest is not None:
        waits.append((latest, "interval"))
    if planned == "platelets":
        this_year = sum(1 for p in history if p.kind == "platelets" and p.donated_on.year == on.year)
        if this_year >= int(rules["blood_drive.platelets_per_year"]):
            waits.append((date(on.year + 1, 1, 1), "platelets_per_year"))
    return waits


def assess(rules: dict[str, Any], *, birth: date, gender: str, answers: Answers,
           history: list[PastDonation], on: date) -> Outcome:
    """The pre-check, pure. Not eligible wins over "not yet"; "not yet" answers the latest of
    the dates every limit allows (an 18th birthday, the end of every interval, 1 January after
    a full platelet year)."""
    blocked: list[str] = []
    waits: list[tuple[date, str]] = []
    age = age_on(birth, on)
    repeat = bool(history) and not answers.adverse_reaction_before
    if age < int(rules["blood_drive.age_min"]):
        turns = add_months(birth, 12 * int(rules["blood_drive.age_min"]))
        waits.append((turns, "age_below_minimum"))
    elif age > int(rules["blood_drive.age_max"]) and not (
            repeat and age <= int(rules["blood_drive.age_max_repeat"])):
        blocked.append("age_above_maximum")
    minimum = int(rules["blood_drive.weight_min_male_kg" if gender == "male"
                        else "blood_drive.weight_min_female_kg"])
    if answers.weight_kg < minimum:
        blocked.append("weight_below_minimum")
    if not answers.feeling_well:
        blocked.append("unwell")
    waits += waits_of(rules, history, answers.planned_kind, on)
    if blocked:
        return Outcome("not_eligible", None, tuple(blocked))
    if waits:
        return Outcome("eligible_from", max(d for d, _ in waits), tuple(r for _, r in waits))
    return Outcome("eligible")


def _check_answers(answers: Answers) -> None:
    if not 20 <= answers.weight_kg <= 250:
        raise ApiError.invalid("weightKg", "体重须在20–250公斤之间", "weight must be 20–250 kg")
    if answers.planned_kind not in KINDS:
        raise ApiError.invalid("plannedKind", "献血类型无效", "unknown donation kind")
    if (answers.last_donation_on is None) != (answers.last_donation_kind is None):
        raise ApiError.invalid("lastDonationKind", "请同时填写上次献血日期和类型",
                               "give both the date and the kind of the last donation")
    if answers.last_donation_kind is not None and answers.last_donation_kind not in KINDS:
        raise ApiError.invalid("lastDonationKind", "献血类型无效", "unknown donation kind")
    if answers.last_donation_on is not None and answers.last_donation_on > today_shanghai():
        raise ApiError.invalid("lastDonationOn", "上次献血日期不能在将来",
                               "the last donation cannot be in the future")


async def history_of(donor_id: int) -> list[PastDonation]:
    rows = await Donation.select(Donation.donated_on, Donation.kind).where(
        (Donation.donor_id == donor_id) & (Donation.outcome == "donated"))
    return [PastDonation(r["donated_on"], str(r["kind"])) for r in rows]


async def submit_precheck(access: Access, donor_id: int, answers: Answers,
                          campaign_id: int | None = None, on: date | None = None
                          ) -> dict[str, Any]:
    """Record a pre-check for a donor of the acting tenant: by the donor themselves or by site
    staff. The answers and reasons are sealed; the outcome and rule versions stay readable to
    the same people only (the API checks)."""
    donor = await Donor.select().where(Donor.id == donor_id).first()
    if donor is None:
        raise ApiError.not_found("献血者", "donor", "donorId")
    if not can_see_health(access, int(donor["resident_id"])):
        raise ApiError.forbidden("只有献血者本人或采血点工作人员可填写健康征询",
                                 "only the donor or site staff may fill in the pre-check")
    _check_answers(answers)
    resident = await get_resident(int(donor["resident_id"]))
    if resident is None:
        raise ApiError.not_found("居民", "resident", "donorId")
    day = on or today_shanghai()
    node = await node_of(int(donor["tenant_id"]))
    rules, versions = await rule_values(node, day, *PRECHECK_KEYS)
    history = await history_of(donor_id)
    if answers.last_donation_on is not None and answers.last_donation_kind is not None:
        history.append(PastDonation(answers.last_donation_on, answers.last_donation_kind))
    result = assess(rules, birth=resident.birth_date, gender=resident.gender, answers=answers,
                    history=history, on=day)
    plain = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(answers).items()}
    row = Precheck(tenant_id=int(donor["tenant_id"]), donor_id=donor_id, campaign_id=campaign_id,
                   checked_on=day, answers_cipher=seal_personal(json.dumps(plain)),
                   reasons_cipher=seal_personal(json.dumps(list(result.reasons))),
                   outcome=result.outcome, eligible_on=result.eligible_on,
                   rule_versions=json.dumps(versions, sort_keys=True), created_at=now_utc())
    await Precheck.insert(row)
    found = await Precheck.select().where(Precheck.id == row.id).first()
    assert found is not None
    return dict(found)


async def prechecks_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Precheck.select().where(Precheck.id.is_in(sorted(set(ids))))
    return {int(r["id"]): r for r in rows}


def open_precheck(row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The answers and reason codes of a pre-check (the caller has been checked)."""
    answers = json.loads(open_personal(str(row["answers_cipher"])) or "{}")
    reasons = json.loads(open_personal(str(row["reasons_cipher"])) or "[]")
    return answers, [str(r) for r in reasons]
