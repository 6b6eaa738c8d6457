"""Live updates out of the box: a real ``linli serve`` subprocess (uvicorn with its WebSocket
implementation) and a real ``graphql-transport-ws`` client (the ``websockets`` library) that
authenticates through the ``connection_init`` payload, as a browser must (it cannot set headers
on a WebSocket), and receives a board update raised through an HTTP mutation."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets

from core.schema.relay import encode_global_id
from core.testing.live import live_server

RAISE = """mutation($input: BuildingHeadRaiseMatterInput!) { buildingHeadRaiseMatter(input: $input) {
  ... on BuildingHeadMatterChange { matter { id } } ... on UserError { code } } }"""
SUBSCRIBE = """subscription($compound: ID) { buildingHeadMatterUpdates(compoundId: $compound) {
  kind matter { title step } entry { step } } }"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


async def _open(url: str, payload: dict[str, Any]) -> Any:
    ws = await websockets.connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert ack["type"] == "connection_ack", ack
    return ws


async def test_board_update_over_a_real_websocket(world: Any, factory: Any,
                                                  linli_env: Any) -> None:
    staff = await factory.account(world.node, "building_heads.coordinator")
    compound = gid("Compound", world.compound.id)
    building = gid("Building", world.buildings[0].id)
    with live_server(linli_env.settings) as base:
        url = base.replace("http://", "ws://") + "/graphql"
        # no headers at all: the token and the acting node travel in connection_init
        ws = await _open(url, {"Authorization": f"Bearer {staff.token}",
                               "X-Linli-Node": world.node.code})
        try:
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
                "query": SUBSCRIBE, "variables": {"compound": compound}}}))
            titles: list[str] = []
            message: dict[str, Any] | None = None
            async with httpx.AsyncClient(base_url=base, timeout=10) as http:
                # the subscription starts listening a moment after `subscribe`: raise matters
                # until one arrives (each raise is a real change; none is lost once listening)
                for attempt in range(20):
                    titles.append(f"加装电梯 {attempt}")
                    resp = await http.post("/graphql", json={"query": RAISE, "variables": {
                        "input": {"title": titles[-1], "participants": ["李楼长"],
                                  "buildingId": building}}}, headers={
                        "Authorization": f"Bearer {staff.token}",
                        "X-Linli-Node": world.node.code})
                    assert resp.json()["data"]["buildingHeadRaiseMatter"]["matter"]["id"]
                    try:
                        message = json.loads(await asyncio.wait_for(ws.recv(), 1.5))
                        break
                    except TimeoutError:
                        continue
            assert message is not None, "no board update arrived over the WebSocket"
            assert message["type"] == "next" and message["id"] == "1", message
            update = message["payload"]["data"]["buildingHeadMatterUpdates"]
            assert update["matter"]["title"] in titles
            assert (update["matter"]["step"], update["entry"]["step"]) == ("RAISED", "RAISED")
        finally:
            await ws.close()

        # the payload's token is really checked: a bad one is refused, typed, not ignored
        ws = await _open(url, {"token": "not-a-token", "node": world.node.code})
        try:
            await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": {
                "query": SUBSCRIBE, "variables": {"compound": compound}}}))
            refused = json.loads(await asyncio.wait_for(ws.recv(), 10))
        finally:
            await ws.close()
        errors = refused["payload"] if refused["type"] == "error" else \
            refused["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED", refused




@pytest.mark.browser
async def test_graphiql_in_chromium_watches_the_board_live(world: Any, factory: Any,
                                                            linli_env: Any) -> None:
    """The walkthrough's last step, offline: GraphiQL (served from the package) in headless
    Chromium with the network blocked subscribes to the board with the headers pane's token and
    node (sent as connection_init: a browser cannot set WebSocket headers), and a matter raised
    over HTTP arrives in its response pane."""
    import urllib.parse

    import pytest

    from core.testing.live import in_ci, require_tool

    chromium = require_tool("/usr/bin/chromium", "the browser check runs in Debian's chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci():
            pytest.fail("Playwright for Python is not installed (CI=true: a failure)")
        pytest.skip("Playwright for Python is not installed")
    staff = await factory.account(world.node, "building_heads.coordinator")
    headers = {"Authorization": f"Bearer {staff.token}", "X-Linli-Node": world.node.code}
    compound = gid("Compound", world.compound.id)
    query = ("subscription { buildingHeadMatterUpdates(compoundId: \"" + compound
             + "\") { matter { title step } } }")

    def browse(base: str) -> tuple[str, list[str]]:
        requests: list[str] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-background-networking", "--no-first-run",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
            try:
                page = browser.new_page()
                page.on("request", lambda r: requests.append(r.url))
                page.goto(f"{base}/graphql?" + urllib.parse.urlencode(
                    {"q": query, "headers": json.dumps(headers)}, quote_via=urllib.parse.quote))
                page.wait_for_selector(".graphiql-execute-button", timeout=30_000)
                page.click(".graphiql-execute-button")
                text = ""
                with httpx.Client(base_url=base, timeout=10) as http:
                    for attempt in range(20):  # until the subscription listens (see above)
                        http.post("/graphql", headers=headers, json={
                            "query": RAISE, "variables": {"input": {
                                "title": f"楼道灯坏了 {attempt}", "participants": ["李楼长"],
                                "buildingId": gid("Building", world.buildings[0].id)}}})
                        page.wait_for_timeout(700)
                        text = page.inner_text(".graphiql-response")
                        if "楼道灯坏了" in text:
                            break
                return text, requests
            finally:
                browser.close()

    with live_server(linli_env.settings) as base:
        text, requests = await asyncio.to_thread(browse, base)
    assert "楼道灯坏了" in text and "RAISED" in text, text
    assert "UNAUTHENTICATED" not in text
    outside = [u for u in requests if not u.startswith(("http://127.0.0.1:", "ws://127.0.0.1:",
                                                         "data:"))]
    assert not outside, outside
