"""Malformed graphql-transport-ws messages close the socket with 4400 (a client error), never a
server error: not an object, nested too deep, a ``subscribe`` whose payload is not
``{query: string, variables: object}``."""

import asyncio
import json

import pytest
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from core.app import create_app
from core.schema.http import decode_json

BAD = ['"x"', "[1, 2]", "null", "[" * 5000 + "]" * 5000,
       json.dumps({"id": "1", "type": "subscribe"}),
       json.dumps({"id": "1", "type": "subscribe", "payload": "x"}),
       json.dumps({"id": "1", "type": "subscribe", "payload": {"query": 5}}),
       json.dumps({"id": "1", "type": "subscribe", "payload": {
           "query": "subscription { notificationAdded { id } }", "variables": "x"}})]


@pytest.mark.parametrize("text", BAD)
async def test_malformed_message_is_not_json(text):
    with pytest.raises(json.JSONDecodeError):
        decode_json(text)


async def test_good_messages_decode():
    sub = {"id": "1", "type": "subscribe", "payload": {"query": "subscription { a }",
                                                       "variables": None}}
    assert decode_json(json.dumps(sub)) == sub
    assert decode_json('{"type": "connection_init"}') == {"type": "connection_init"}


async def test_malformed_message_closes_with_4400(linli_env):
    app = create_app(state=linli_env.state, manage_db=False)

    def run() -> list[int]:
        closed = []
        with TestClient(app) as client:
            for text in (BAD[1], BAD[3], BAD[7]):
                with client.websocket_connect("/graphql",
                                              subprotocols=["graphql-transport-ws"]) as ws:
                    ws.send_json({"type": "connection_init"})
                    assert ws.receive_json()["type"] == "connection_ack"
                    ws.send_text(text)
                    with pytest.raises(WebSocketDisconnect) as exc:
                        ws.receive_json()
                    closed.append(exc.value.code)
        return closed

    assert await asyncio.to_thread(run) == [4400, 4400, 4400]
