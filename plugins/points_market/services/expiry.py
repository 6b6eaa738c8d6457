"""Year-end expiry (rule ``points_market.expiry`` = ``year_end``; default ``none``): the points
a resident or household earned and did not spend by 31 December (Asia/Shanghai) expire.

The job runs on 1 January (Shanghai) for the year just ended. For each resident and household
account it takes the balance at the end of that year (the sum of its entries booked on or
before 31 December), less what has been spent since (spending draws on the oldest points
first), never more than the balance now, and posts it as an ``expiry`` transfer back to the
tenant's issuance account. The earned figure is untouched (expiry is not a discredit: grades
and rankings keep it). Exactly once: the transfer key ``expiry:<year>:<account>`` is unique, so
a second or concurrent run posts nothing twice; the balances move by guarded updates, so a
redemption between reading and posting can never leave a balance below zero (the run then
refuses and retries whole)."""

from __future__ import annotations

from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Sum

from core.plugin import current_scope, rule_value, today_shanghai
from plugins.points_market.services import ledger
from plugins.points_market.tables import Account, Entry

__all__ = ["expire_year", "expiring"]


async def expiring(year: int) -> dict[int, int]:
    """``{account id: points to expire}`` for the year ended (positive amounts only)."""
    end = date(year, 12, 31)
    owners = Account.select(Account.id).where(Account.kind.is_in(list(ledger.OWNER_KINDS)))
    at_end = {int(r["account_id"]): int(r["amount"] or 0) for r in await Entry.select(
        Entry.account_id, Sum(Entry.amount).as_alias("amount")).where(
        (Entry.booked_on <= end) & Entry.account_id.is_in(owners)).group_by(Entry.account_id)}
    left = {a: v for a, v in at_end.items() if v > 0}
    if not left:
        return {}
    spent = {int(r["account_id"]): int(r["amount"] or 0) for r in await Entry.select(
        Entry.account_id, Sum(Entry.amount).as_alias("amount")).where(
        (Entry.booked_on > end) & (Entry.amount < 0)
        & Entry.account_id.is_in(list(left))).group_by(Entry.account_id)}
    now = {int(r["id"]): int(r["balance"]) for r in await Account.select(
        Account.id, Account.balance).where(Account.id.is_in(list(left)))}
    out: dict[int, int] = {}
    for account, amount in left.items():
        expire = min(amount + spent.get(account, 0), now.get(account, 0))
        if expire > 0:
            out[account] = expire
    return out


async def expire_year(year: int | None = None) -> int:
    """Expire the unspent points of ``year`` (default: the year before today's) when the
    tenant's rule on 31 December of that year says ``year_end``; the number of accounts this
    call expired (0 on a repeat)."""
    year = year if year is not None else today_shanghai().year - 1
    tenant = current_scope().write_node or 0
    rule = await rule_value("points_market.expiry", tenant, date(year, 12, 31))
    if rule.value != "year_end":
        return 0
    due = await expiring(year)
    if not due:
        return 0
    issuance = await ledger.account_id(ledger.ISSUANCE)
    moves: list[Any] = [ledger.Move(
        f"expiry:{year}:{account}", "expiry", account, issuance, amount,
        memo=f"{year} 年未使用积分年底清零（规则版本 {rule.version}）/ unspent points of {year} "
             f"expired (rule version {rule.version})")
        for account, amount in sorted(due.items())]
    made = await ledger.transfer_many(moves, guard=True)
    return len(made)
