"""Demo logins a plugin's demo data creates (``linli demo`` prints them with core's own).

A plugin's ``linli_demo_data`` may call :func:`demo_login` to get (or create, once) an account
that logs in with the demo password — a building head with a working login, say — and then
link it to its own objects (``grant_place_role``), or pass ``resident_id`` for a resident
login linked to that resident of the node (a donor who signs in as themselves, say). Refused in
production like the demo itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import ApiError, ErrorCode
from core.identity.service import create_account, grant_membership
from core.identity.tables import Account
from core.settings import get_settings
from tenants.scope import current_scope
from tenants.service import get_node

__all__ = ["DemoLoginInfo", "demo_login", "take_demo_logins"]


@dataclass(frozen=True)
class DemoLoginInfo:
    """One login a plugin's demo created, for ``linli demo`` to print."""

    username: str
    role_zh: str
    role_en: str
    node_code: str
    node_name: str


_collected: list[DemoLoginInfo] = []
_hash: dict[str, str] = {}
"""The demo password's hash, computed once per process (argon2 is slow on purpose; demo
accounts all share the one public demo password, so sharing its hash gives nothing away)."""


async def demo_login(username: str, role_zh: str, role_en: str,
                     resident_id: int | None = None) -> int:
    """The id of the demo account ``username`` (created with the demo password when missing),
    noted for ``linli demo`` to print with the node of the current write scope. With
    ``resident_id`` a new account is also a ``resident`` member of that node, linked to the
    resident (``core.plugin.resident_of_account``); an existing account is left as it is."""
    settings = get_settings()
    if settings.is_production:
        raise ApiError(ErrorCode.FORBIDDEN, "生产环境不能写入演示数据",
                       "no demo data in production")
    node_id = current_scope().write_node
    node = await get_node(node_id) if node_id is not None else None
    row = await Account.select(Account.id).where(Account.username == username).first()
    if row is not None:
        account_id = int(row["id"])
    elif settings.demo_password in _hash:
        account_id = await create_account(username, password=settings.demo_password,
                                          display_name=role_zh, settings=settings,
                                          password_hash=_hash[settings.demo_password])
    else:
        account_id = await create_account(username, password=settings.demo_password,
                                          display_name=role_zh, settings=settings)
        found = await Account.select(Account.password_hash).where(
            Account.id == account_id).first()
        if found is not None:
            _hash[settings.demo_password] = str(found["password_hash"])
    if row is None and resident_id is not None and node is not None:
        await grant_membership(account_id, node.id, "resident")
        await Account.update({Account.resident_id: resident_id,
                              Account.resident_tenant_id: node.id}).where(
            Account.id == account_id)
    _collected.append(DemoLoginInfo(username, role_zh, role_en,
                                    node.code if node else "-", node.name if node else "-"))
    return account_id


def take_demo_logins() -> list[DemoLoginInfo]:
    """The logins noted since the last call (``linli demo`` prints them), and forget them."""
    out = list(_collected)
    _collected.clear()
    return out
