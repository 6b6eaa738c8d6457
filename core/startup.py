"""What the process does differently while it starts.

The garbage collector. Start-up — importing core and the plugins, building the schema — creates
some 200 000 objects the collector tracks, which live as long as the process (strawberry types
and fields, piccolo tables, the GraphQL schema), and next to no garbage (about 60 unreachable
objects are left when it ends). Under the default thresholds (700, 10, 10) the collector ran
about 460 times meanwhile, 40 of them over the older generations and three full, each of those
walking everything built so far: 0.25–0.4 s of a 2 s cold start. :func:`begin` (run when
``core`` is first imported) raises the first two thresholds for that phase (some 20 young
collections, none older) and :func:`end` (called by ``core.state.settle_heap`` when the state
starts, next to ``gc.freeze()``) puts them back — the first one no lower than
:data:`SERVING_YOUNG`. Collection is never turned off: a process that imports core and never
starts a state (a short CLI command) just collects less often.

Serving, a young collection walks every object of every request in flight, not only the
garbage: at the default 700 a 50-row page (some 2 000 tracked allocations) triggered one every
other request, each walking the objects of all 16 requests a loaded server holds, and one in
a hundred became a full collection (16 ms each). Measured in process with 16 requests at once
(``CONCURRENCY=16 bench_request_split.py 3200 notifications``, two runs each): 0.22–0.26 ms
of collection per request at 700, 0.15–0.16 ms at 10 000 (no full collection in 3 200
requests), and 3.16–3.34 against 2.97–3.01 ms of CPU per request. A young collection then
takes about 7 ms.

black, which piccolo imports and serving never uses: see :func:`import_piccolo_apps`.
"""

from __future__ import annotations

import gc
import importlib
import sys
import types
from typing import Any

__all__ = ["SERVING_YOUNG", "STARTUP_THRESHOLDS", "begin", "end", "import_piccolo_apps"]

SERVING_YOUNG = 10_000
"""The collector's first threshold once the state has started, at least (see the module text)."""

STARTUP_THRESHOLDS = (50_000, 50)
"""The collector's first two thresholds while starting: allocations between young collections,
young collections between collections of the middle generation."""

_saved: tuple[int, int, int] | None = None


def begin() -> None:
    """Raise the collector's first two thresholds to :data:`STARTUP_THRESHOLDS` (never lowers
    them) and :func:`import_piccolo_apps`; idempotent."""
    global _saved
    if _saved is None:
        first, second, third = _saved = gc.get_threshold()
        gc.set_threshold(max(first, STARTUP_THRESHOLDS[0]), max(second, STARTUP_THRESHOLDS[1]),
                         third)
        import_piccolo_apps()


def end() -> None:
    """Put back the thresholds :func:`begin` found, the first one no lower than
    :data:`SERVING_YOUNG`; a no-op without a :func:`begin`."""
    global _saved
    if _saved is not None:
        first, second, third = _saved
        gc.set_threshold(max(first, SERVING_YOUNG), second, third)
        _saved = None


class _Deferred(types.ModuleType):
    """What ``piccolo.conf.apps`` holds as ``black``: the real module, imported on the first
    read of one of its attributes (``black.format_str``)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module(self.__name__), name)


def import_piccolo_apps() -> None:
    """Import ``piccolo.conf.apps`` (``AppConfig``, what every ``linli_tables`` hook returns)
    without black, before anything else does: :func:`begin` calls it when ``core`` is first
    imported (``linli`` reaches piccolo's module through ``core.migrate`` and
    ``core.piccolo_conf`` long before the registry loads the plugins).

    That module imports black at its top, for formatting the ``piccolo_conf.py`` it rewrites
    when ``piccolo app new`` registers an app; black costs ~0.1 s to import and serving never
    formats code. While piccolo's module is imported ``sys.modules`` holds a stand-in for black,
    removed afterwards: its ``black`` is the stand-in, which imports the real black on first use,
    and every other importer of black gets the real module. A no-op when either is already
    imported."""
    if "piccolo.conf.apps" in sys.modules or "black" in sys.modules:
        return
    stand_in = _Deferred("black")
    sys.modules["black"] = stand_in
    try:
        importlib.import_module("piccolo.conf.apps")
    finally:
        if sys.modules.get("black") is stand_in:
            del sys.modules["black"]
