"""Signals: the regular-absent welfare concern fires once per absence; meals per day,
utilisation and elders by bracket."""

from __future__ import annotations

import json
from datetime import date, timedelta

from core.plugin import today_shanghai
from plugins.canteen.services import signals


async def _check(city, day: date) -> int:
    async with city.write(city.a):
        return await signals.raise_absences({"today": day}, city.a.node.id)


async def test_regular_absent_fires_once_per_absence(city, emitted_events, run_cron):
    today = today_shanghai()
    regular = await city.elder("马玉珍", date(1942, 8, 8))
    casual = await city.elder("杨建华", date(1943, 8, 8))
    for n in range(31, 41):                      # ten lunches, 40 to 31 days ago
        await city.meal(city.a, regular, today - timedelta(days=n))
    for n in range(31, 36):                      # five: not a regular
        await city.meal(city.a, casual, today - timedelta(days=n))
    assert await _check(city, today - timedelta(days=25)) == 0   # six days: not yet
    assert await _check(city, today - timedelta(days=24)) == 1   # seven days absent
    assert await _check(city, today - timedelta(days=23)) == 0   # the same absence
    for n in range(11, 21):                      # back for ten lunches, then absent again
        await city.meal(city.b, regular, today - timedelta(days=n))   # at the other street
    assert await _check(city, today - timedelta(days=12)) == 0
    outcome = await run_cron("canteen.absence", city.a.node)
    assert outcome.outcome == "succeeded" and outcome.result == 1
    assert await _check(city, today) == 0
    events = await emitted_events(city.a.node, "people.welfare_concern")
    payloads = [json.loads(e.payload) for e in events]
    assert [p["reason_code"] for p in payloads] == ["canteen_absent", "canteen_absent"]
    assert {p["resident_id"] for p in payloads} == {regular["resident_id"]}
    assert sorted(p["noticed_since"] for p in payloads) == [
        (today - timedelta(days=30)).isoformat(), (today - timedelta(days=10)).isoformat()]


async def test_daily_stats_and_brackets(city):
    old = await city.elder("郭凤英", date(1940, 1, 1))
    mid = await city.elder("何建国", date(1950, 1, 1))
    day = date(2024, 9, 2)
    await city.meal(city.a, old, day)
    await city.meal(city.a, old, day, slot="dinner")
    await city.meal(city.a, mid, day)
    cid = int(city.a.canteen["id"])
    async with city.read(city.a):
        [stat] = await signals.daily_stats([cid], day, day)
        brackets = await signals.elders_by_bracket([cid], day, day)
    assert (stat.meals, stat.subsidised) == (3, 2)
    assert stat.utilisation == round(3 / (20 * 3), 4)    # 20 seats × 3 slots
    assert brackets == {"age_70_79": 1, "age_80_plus": 1}
