"""The public 献血倡议 page (no login) in real headless Chromium: the running campaign's call,
organisers and contact, and the sessions ahead with seats left per slot; the refresh button
shows a seat booked meanwhile; no donor's name on the page; axe-core reports no
serious/critical violation, no CSP problem; a 390-pixel screenshot goes to
``var/screenshots/console/blood-drive-call.png``."""

from __future__ import annotations

from typing import Any

import pytest

from core.testing.console import console_browser


@pytest.fixture
async def seeded(world: Any) -> Any:
    from plugins.blood_drive.services import bookings

    running = await world.campaign(title="学雷锋献血月", call_text="献出一份爱心。\n传递生命希望。",
                                   contact_name="市献血办", contact_phones=("0635-8888888",))
    session = await world.session(world.a, running, capacity=2, slots=2, days=2)
    donor = await world.donor(world.a, name="王献血")
    first = (await world.slots(world.a, session))[0]
    await world.do(world.a.node, lambda s: bookings.book(s, int(first["id"]), int(donor["id"])))
    return world


@pytest.mark.browser
def test_public_call_page(seeded: Any) -> None:
    world = seeded
    with console_browser(world.env.settings) as b:
        public = b.new_page(width=390)
        public.goto(f"{b.base}/console/public/{world.a.node.code}/blood-drive/call")
        public.wait_for_selector("[data-page='blood-drive/call']")
        b.wait_text("学雷锋献血月", page=public)
        b.wait_text("传递生命希望。", page=public)
        b.wait_text("0635-8888888", page=public)
        b.wait_text("余 1 位", page=public)      # the booked slot
        b.wait_text("余 2 位", page=public)      # the free one
        b.wait_text("共余 3 个名额", page=public)
        public.click("button:has-text('刷新名额')")
        public.wait_for_timeout(500)
        b.wait_text("共余 3 个名额", page=public)
        assert "王献血" not in public.inner_text("body")
        assert b.axe(public) == []
        b.shot("blood-drive-call", public)
        assert not b.csp_problems(), b.problems
