"""A counting PostgreSQL wire-protocol proxy: how many SQL statements and transactions a
server sends per request (for the side-by-side benchmark; run on demand, not a test).

It forwards bytes unchanged both ways and reads only the client's messages: a simple query
(``Q``) or an extended-protocol ``Execute`` (``E``) is one statement; ``BEGIN``/``START``
opens a transaction that ``COMMIT``/``ROLLBACK``/``END`` closes; a statement outside such a
block is a transaction of its own (PostgreSQL runs it in an implicit one, ended by ``Sync``
for the extended protocol). Pool housekeeping (asyncpg's reset on release, for one) counts
too: the server runs it all the same.
"""

from __future__ import annotations

import asyncio
import re
import struct
from dataclasses import dataclass, field

__all__ = ["CountingProxy", "Counts"]

_BEGIN = re.compile(rb"^\s*(BEGIN|START\s+TRANSACTION)\b", re.I)
_END = re.compile(rb"^\s*(COMMIT|ROLLBACK|END|ABORT)\b", re.I)
_UNTYPED = {80877103, 80877104}  # SSLRequest, GSSENCRequest: answered by one byte


@dataclass
class Counts:
    statements: int = 0
    transactions: int = 0
    texts: list[bytes] = field(default_factory=list)

    def reset(self) -> None:
        self.statements = self.transactions = 0
        self.texts.clear()


class CountingProxy:
    """Listens on 127.0.0.1:<port> and forwards to ``upstream`` (host, port)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.counts = Counts()
        self.server: asyncio.base_events.Server | None = None
        self.port = 0

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        down = asyncio.create_task(pipe(up_reader, writer))
        try:
            await self._client_to_server(reader, up_writer)
        finally:
            up_writer.close()
            await asyncio.gather(down, return_exceptions=True)

    async def _client_to_server(self, reader: asyncio.StreamReader,
                                up: asyncio.StreamWriter) -> None:
        c = self.counts
        in_block = False
        implicit = False
        try:
            # untyped start-up messages first: SSL/GSS requests, then the StartupMessage
            while True:
                head = await reader.readexactly(8)
                length, code = struct.unpack("!ii", head)
                body = await reader.readexactly(length - 8)
                up.write(head + body)
                await up.drain()
                if code not in _UNTYPED:
                    break
            while True:
                head = await reader.readexactly(5)
                kind = head[:1]
                (length,) = struct.unpack("!i", head[1:])
                body = await reader.readexactly(length - 4)
                if kind == b"Q":
                    c.statements += 1
                    c.texts.append(body[:60])
                    if _BEGIN.match(body):
                        in_block = True
                        c.transactions += 1
                    elif _END.match(body):
                        in_block = False
                    elif not in_block:
                        c.transactions += 1
                elif kind == b"P":
                    # Parse: remember the text for the report (statement name, then the SQL)
                    name_end = body.index(b"\0")
                    text = body[name_end + 1:body.index(b"\0", name_end + 1)]
                    if _BEGIN.match(text) or _END.match(text):
                        c.texts.append(b"P:" + text[:58])
                elif kind == b"E":
                    c.statements += 1
                    if not in_block:
                        implicit = True
                elif kind == b"S":
                    if implicit:
                        c.transactions += 1
                        implicit = False
                up.write(head + body)
                await up.drain()
                if kind == b"X":
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return
