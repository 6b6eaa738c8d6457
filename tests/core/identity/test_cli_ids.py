"""The CLI takes the ids the API returns (global ids), integers, and names or codes where they
are unique (issue 8, item 4); ``account link-resident`` links a login to a resident."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from core.ids import global_id
from core.people.residents import id_index
from core.settings import get_settings
from tests.core.identity.test_cli import _rows, _tree, linli  # noqa: F401  (fixture)

TENANT = "371502001000"
ID_NUMBER = "371502195003010017"


def _places(db: Any) -> tuple[int, int, int]:
    """A community with two grids (one named uniquely) and a resident, written directly."""
    node = _rows(db, f"SELECT id FROM linli_node WHERE code = '{TENANT}'")[0][0]
    now = datetime.now(UTC).isoformat()
    with sqlite3.connect(db) as conn:
        community = conn.execute(
            "INSERT INTO linli_community (tenant_id, name, code, kind) VALUES (?, '东关社区', "
            "'371502001001', 'community')", (node,)).lastrowid
        grids = [conn.execute(
            "INSERT INTO linli_grid (tenant_id, community_id, code, name, is_default) "
            "VALUES (?, ?, ?, ?, 0)", (node, community, f"37150200100{i}", name)).lastrowid
            for i, name in ((1, "第一网格"), (2, "第二网格"))]
        resident = conn.execute(
            "INSERT INTO linli_resident (tenant_id, name, gender, birth_date, id_number_cipher, "
            "id_number_index, created_at, updated_at) VALUES (?, '王大爷', 'male', '1950-03-01', "
            "'x', ?, ?, ?)", (node, id_index(ID_NUMBER, get_settings().pii_key), now, now)
        ).lastrowid
    assert community and resident and all(grids)
    return grids[0], grids[1], resident


def test_grant_takes_global_ids_integers_and_unique_names(linli: Any) -> None:  # noqa: F811
    _tree(linli)
    first, second, _ = _places(linli.db)
    made = linli("account", "create", "--username", "worker", "--password", "a long password")
    assert made.exit_code == 0, made.output
    account = _rows(linli.db, "SELECT id FROM linli_account")[0][0]
    by_gid = linli("account", "grant", "--account-id", global_id("Account", account),
                   "--node", TENANT, "--role", "grid_worker",
                   "--place-id", global_id("Grid", first))
    assert by_gid.exit_code == 0, by_gid.output
    by_name = linli("account", "grant", "--username", "worker", "--node", TENANT,
                    "--role", "grid_worker", "--place-id", "第二网格")
    assert by_name.exit_code == 0, by_name.output
    assert _rows(linli.db, "SELECT place_kind, place_id FROM linli_membership ORDER BY id") == [
        ("grid", first), ("grid", second)]
    wrong_type = linli("account", "grant", "--account-id", global_id("Resident", account),
                       "--node", TENANT, "--role", "volunteer")
    assert wrong_type.exit_code != 0 and "Resident" in wrong_type.output
    unknown = linli("account", "grant", "--username", "worker", "--node", TENANT,
                    "--role", "grid_worker", "--place-id", "没有这个网格")
    assert unknown.exit_code != 0 and "no grid named" in unknown.output


def test_link_resident_by_global_id_or_id_number(linli: Any) -> None:  # noqa: F811
    _tree(linli)
    _, _, resident = _places(linli.db)
    assert linli("account", "create", "--username", "elder", "--password",
                 "a long password").exit_code == 0
    out = linli("account", "link-resident", "--username", "elder", "--node", TENANT,
                "--resident", global_id("Resident", resident))
    assert out.exit_code == 0, out.output
    assert _rows(linli.db, "SELECT resident_id FROM linli_account") == [(resident,)]
    assert linli("account", "link-resident", "--username", "elder", "--node", TENANT,
                 "--unlink").exit_code == 0
    assert _rows(linli.db, "SELECT resident_id FROM linli_account") == [(None,)]
    again = linli("account", "link-resident", "--username", "elder", "--node", TENANT,
                  "--resident", ID_NUMBER)
    assert again.exit_code == 0, again.output
    assert _rows(linli.db, "SELECT resident_id, resident_tenant_id FROM linli_account")[0][0] \
        == resident
    actions = _rows(linli.db, "SELECT action FROM linli_audit_entry WHERE action = "
                              "'identity.account_resident_linked'")
    assert len(actions) == 3


def test_apikey_revoke_takes_a_global_id_or_its_prefix(linli: Any) -> None:  # noqa: F811
    _tree(linli)
    for _ in range(2):
        assert linli("apikey", "create", "--node", TENANT, "--permission",
                     "tenant.read").exit_code == 0
    (first, _), (second, prefix) = _rows(linli.db, "SELECT id, prefix FROM linli_api_key "
                                                   "ORDER BY id")
    assert linli("apikey", "revoke", global_id("ApiKey", first)).exit_code == 0
    out = linli("apikey", "revoke", prefix)
    assert out.exit_code == 0, out.output
    assert _rows(linli.db, "SELECT count(*) FROM linli_api_key WHERE revoked_at IS NOT NULL"
                 ) == [(2,)]
