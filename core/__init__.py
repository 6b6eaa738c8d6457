"""Linli's core. Importing it starts the start-up phase of the garbage collector
(``core.startup``: fewer collections while the modules and the schema are built)."""

from core import startup as _startup

_startup.begin()
