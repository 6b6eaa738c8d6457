"""What the process does differently while it starts.

The garbage collector. Start-up — importing core and the plugins, building the schema — creates
some 200 000 objects the collector tracks, which live as long as the process (strawberry types
and fields, piccolo tables, the GraphQL schema), and next to no garbage (about 60 unreachable
objects are left when it ends). Under the default thresholds (700, 10, 10) the collector ran
about 460 times meanwhile, 40 of them over the older generations and three full, each of those
walking everything built so far: 0.25–0.4 s of a 2 s cold start. :func:`begin` (run when
``core`` is first imported) raises the first two thresholds for that phase (some 20 young
collections, none older) and :func:`end` (called by ``core.state.settle_heap`` when the state
starts, next to ``gc.freeze()``) puts them back. Collection is never turned off: a process that
imports core and never starts a state (a short CLI command) just collects less often.
"""

from __future__ import annotations

import gc

__all__ = ["STARTUP_THRESHOLDS", "begin", "end"]

STARTUP_THRESHOLDS = (50_000, 50)
"""The collector's first two thresholds while starting: allocations between young collections,
young collections between collections of the middle generation."""

_saved: tuple[int, int, int] | None = None


def begin() -> None:
    """Raise the collector's first two thresholds to :data:`STARTUP_THRESHOLDS` (never lowers
    them); idempotent."""
    global _saved
    if _saved is None:
        first, second, third = _saved = gc.get_threshold()
        gc.set_threshold(max(first, STARTUP_THRESHOLDS[0]), max(second, STARTUP_THRESHOLDS[1]),
                         third)


def end() -> None:
    """Put back the thresholds :func:`begin` found; a no-op without a :func:`begin`."""
    global _saved
    if _saved is not None:
        gc.set_threshold(*_saved)
        _saved = None
