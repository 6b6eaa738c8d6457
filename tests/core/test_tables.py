"""core.tables: core's tables in creation order (as their source defines them), each once."""

import inspect

from piccolo.table import Table

from core.tables import CORE_TABLE_MODULES, core_tables


def test_core_tables_come_in_source_order_once_each() -> None:
    expected = []
    for module in CORE_TABLE_MODULES:
        own = {obj for _, obj in inspect.getmembers(module, inspect.isclass)
               if issubclass(obj, Table) and obj.__module__ == module.__name__}
        assert own, module.__name__
        expected += sorted(own, key=lambda t: inspect.getsourcelines(t)[1])
    assert core_tables() == expected
