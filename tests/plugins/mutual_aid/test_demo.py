"""Demo data: 御苑社区 gets boxes, a month of loans, orders in every state and notes; a second
run adds nothing; the public boards then show something."""

from __future__ import annotations

from typing import Any

from core.demo.people import demo_rows
from core.demo.places import DEMO_COMPOUNDS
from core.people.excel import import_rows
from plugins.mutual_aid import tables as t
from plugins.mutual_aid.demo import seed_demo
from tenants.service import scope_for

COUNTED = (t.Box, t.Item, t.Loan, t.Donation, t.Count, t.Team, t.Dish, t.Session, t.Signup,
           t.Order, t.PlusOne, t.Note, t.Project, t.ProjectStep, t.SurveyAnswer)


async def _counts(env: Any, node: Any) -> dict[str, int]:
    async with env.state.db.scoped(scope_for(node)):
        return {table.__name__: await table.count() for table in COUNTED}


async def test_demo_is_idempotent_and_covers_every_state(linli_env, factory, gql,
                                                         enable_plugin):
    node = await factory.tenant()
    rows = demo_rows(node.code, ("御苑社区", "中巨社区"), DEMO_COMPOUNDS, count=120, seed=node.id)
    report = await import_rows(linli_env.state.db, node,
                               ((i + 2, r) for i, r in enumerate(rows)), None,
                               pii_key=linli_env.settings.pii_key, progress=False)
    assert report.ok, report.errors[:3]
    await enable_plugin(node, "mutual_aid")
    async with linli_env.state.db.scoped(scope_for(node), write=True):
        await seed_demo(node.id)
    first = await _counts(linli_env, node)
    assert all(first.values()), first
    assert first["Team"] == 10  # five per community
    async with linli_env.state.db.scoped(scope_for(node), write=True):
        await seed_demo(node.id)
    assert await _counts(linli_env, node) == first
    async with linli_env.state.db.scoped(scope_for(node)):
        statuses = {r["status"] for r in await t.Order.select(t.Order.status)}
        escalated = await t.Order.count().where(t.Order.escalated_at.is_not_null())
        loans = await t.Loan.select(t.Loan.taken_at, t.Loan.returned_at)
        notes = {(r["source"], r["status"]) for r in await t.Note.select(t.Note.source,
                                                                         t.Note.status)}
    assert statuses == {"placed", "accepted", "scheduled", "done", "confirmed", "cancelled"}
    assert escalated >= 1
    assert len(loans) >= 20 and any(r["returned_at"] is None for r in loans)
    assert ("paper", "pending") in notes and ("online", "hidden") in notes
    async with linli_env.state.db.scoped(scope_for(node)):
        stages = {r["stage"] for r in await t.Project.select(t.Project.stage)}
        attended = await t.Signup.count().where(t.Signup.attended == True)
        recurring = await t.Session.count().where(t.Session.recur_key.is_not_null())
    assert stages == {"survey", "design", "delivery", "improvement", "closed"}
    assert attended > 0 and recurring > 0
    board = await gql("query { mutualAidNotesBoard(first: 10) { edges { node { answer } } } }",
                      node=node.code)
    assert any(e["node"]["answer"] for e in board["data"]["mutualAidNotesBoard"]["edges"])
