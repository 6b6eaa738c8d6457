"""The points ledger: append-only, double-entry.

Every movement is a :class:`Transfer` between two accounts with two :class:`Entry` rows that
sum to zero, named by a client-supplied idempotency key (unique per tenant: a replay returns the
first transfer and changes nothing). Each account caches two figures — ``balance`` (the sum of
its entries, what can be spent) and ``earned`` (cumulative net points earned; spending never
lowers it) — moved in the same transaction by updates; a guarded spending moves the balance by a
conditional update (``balance = balance - n WHERE balance >= n``), so no number of concurrent
counters can take it below zero. :func:`check_books` compares the caches with the entries.
Corrections are reversals (one per transfer, a unique key), never edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from piccolo.query.functions.aggregate import Max, Sum

from core.plugin import ApiError, ErrorCode, bulk_insert, current_scope, today_shanghai
from plugins.points_market.tables import Account, Entry, Transfer

__all__ = [
    "ISSUANCE",
    "PENALTY",
    "SHOP",
    "Books",
    "Move",
    "account_id",
    "account_ids",
    "accounts_of",
    "check_books",
    "get_transfer",
    "insufficient",
    "reverse",
    "transfer",
    "transfer_many",
]

ISSUANCE, SHOP, PENALTY = "issuance", "shop", "penalty"
TENANT_KINDS = (ISSUANCE, SHOP, PENALTY)
OWNER_KINDS = ("resident", "household")


def _now() -> datetime:
    return datetime.now(UTC)


def insufficient(balance: int | None = None) -> ApiError:
    """The typed refusal of a spending beyond the balance."""
    have = "" if balance is None else f"（余额 {balance} 分）"
    have_en = "" if balance is None else f" (balance {balance})"
    return ApiError(ErrorCode.INSUFFICIENT_POINTS, f"积分不足{have}",
                    f"not enough points{have_en}", "points")


async def account_id(kind: str, owner_id: int = 0) -> int:
    """The id of the account (created on first use; concurrent creators get the same row)."""
    if kind not in TENANT_KINDS + OWNER_KINDS:
        raise ApiError.invalid("kind", "未知的账户类型", "unknown account kind")
    owner = owner_id if kind in OWNER_KINDS else 0
    row = await Account.select(Account.id).where(
        (Account.kind == kind) & (Account.owner_id == owner)).first()
    if row is not None:
        return int(row["id"])
    node = current_scope().write_node
    await Account.insert(Account(tenant_id=node, kind=kind, owner_id=owner, balance=0,
                                 earned=0)).on_conflict(action="DO NOTHING")
    row = await Account.select(Account.id).where(
        (Account.kind == kind) & (Account.owner_id == owner)).first()
    assert row is not None
    return int(row["id"])


async def account_ids(kind: str, owner_ids: list[int]) -> dict[int, int]:
    """``{owner id: account id}`` for many residents or households, creating the missing
    accounts (three statements however many)."""
    if kind not in OWNER_KINDS:
        raise ApiError.invalid("kind", "未知的账户类型", "unknown account kind")
    wanted = sorted(set(owner_ids))
    found = {o: int(r["id"]) for o, r in (await accounts_of(kind, wanted)).items()}
    missing = [o for o in wanted if o not in found]
    if missing:
        node = current_scope().write_node
        await Account.insert(*[Account(tenant_id=node, kind=kind, owner_id=o, balance=0,
                                       earned=0) for o in missing]).on_conflict(
            action="DO NOTHING")
        found.update({o: int(r["id"]) for o, r in (await accounts_of(kind, missing)).items()})
    return found


async def accounts_of(kind: str, owner_ids: list[int]) -> dict[int, dict[str, Any]]:
    """``{owner id: account row}`` for existing accounts (one statement)."""
    if not owner_ids:
        return {}
    rows = await Account.select().where(
        (Account.kind == kind) & Account.owner_id.is_in(owner_ids))
    return {int(r["owner_id"]): r for r in rows}


async def get_transfer(transfer_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await Transfer.select().where(
        Transfer.id == transfer_id).first()
    return row


async def _move(account: int, amount: int, earned: int, *, guard: bool
                ) -> tuple[int, int] | None:
    """Add ``amount`` (signed) to an account's balance and ``earned`` to its earned figure;
    guarded: only while the balance stays at or above zero (``None`` when it would not).
    Returns the figures after the move (the row stays locked until the transaction ends, so
    the entry written next is the account's newest)."""
    values: dict[Any, Any] = {Account.balance: Account.balance + amount}
    if earned:
        values[Account.earned] = Account.earned + earned
    where: Any = Account.id == account
    if guard:
        where = where & (Account.balance >= -amount)
    moved = await Account.update(values).where(where).returning(
        Account.balance, Account.earned)
    return (int(moved[0]["balance"]), int(moved[0]["earned"])) if moved else None


async def transfer(key: str, kind: str, from_account: int, to_account: int, amount: int, *,
                   from_earned: int = 0, to_earned: int = 0, guard: bool = False,
                   claim_id: int | None = None, card_id: int | None = None,
                   reverses_id: int | None = None, memo: str = "",
                   created_by: int | None = None) -> tuple[dict[str, Any], bool]:
    """Move ``amount`` points from one account to another, once per ``key``.

    Returns the transfer and whether this call made it (False: a replay of ``key``, nothing
    moved). ``guard`` refuses with ``INSUFFICIENT_POINTS`` when the source balance would go
    below zero (redemptions); the caller's transaction then rolls back. Runs in a write scope."""
    if amount <= 0:
        raise ApiError.invalid("points", "积分必须大于0", "points must be greater than 0")
    if not key or len(key) > 120:
        raise ApiError.invalid("idempotencyKey", "幂等键必须为1–120个字符",
                               "the idempotency key must have 1–120 characters")
    if from_account == to_account:
        raise ApiError.invalid("account", "转出与转入账户相同", "the two accounts are the same")
    node = current_scope().write_node
    made = await Transfer.insert(Transfer(
        tenant_id=node, idempotency_key=key, kind=kind, from_account_id=from_account,
        to_account_id=to_account, amount=amount, from_earned=from_earned, to_earned=to_earned,
        claim_id=claim_id, card_id=card_id, reverses_id=reverses_id, memo=memo,
        created_by=created_by, created_at=_now(),
    )).on_conflict(action="DO NOTHING").returning(Transfer.id)
    if not made:
        first = await Transfer.select().where(Transfer.idempotency_key == key).first()
        if first is None:   # a reversal of an already reversed transfer (reverses_id taken)
            raise ApiError.conflict("该记录已冲正", "that transfer has already been reversed",
                                    "transferId")
        if (first["kind"], first["from_account_id"], first["to_account_id"],
                first["amount"]) != (kind, from_account, to_account, amount):
            raise ApiError.conflict("幂等键已用于另一笔不同的转账",
                                    "the idempotency key was used for a different transfer",
                                    "idempotencyKey")
        return first, False
    tid = int(made[0]["id"])
    # Lock order: ascending account id, so opposite transfers never deadlock.
    moves = sorted([(from_account, -amount, from_earned, guard),
                    (to_account, amount, to_earned, False)])
    after: dict[int, tuple[int, int]] = {}
    for account, delta, earned, guarded in moves:
        figures = await _move(account, delta, earned, guard=guarded)
        if figures is None:
            row = await Account.select(Account.balance).where(Account.id == account).first()
            raise insufficient(None if row is None else int(row["balance"]))
        after[account] = figures
    today, now = today_shanghai(), _now()
    await Entry.insert(
        Entry(tenant_id=node, transfer_id=tid, account_id=from_account, amount=-amount,
              earned=from_earned, booked_on=today, kind=kind, memo=memo, claim_id=claim_id,
              balance_after=after[from_account][0], earned_after=after[from_account][1],
              created_at=now),
        Entry(tenant_id=node, transfer_id=tid, account_id=to_account, amount=amount,
              earned=to_earned, booked_on=today, kind=kind, memo=memo, claim_id=claim_id,
              balance_after=after[to_account][0], earned_after=after[to_account][1],
              created_at=now),
    )
    return {"id": tid, "tenant_id": node, "idempotency_key": key, "kind": kind,
            "from_account_id": from_account, "to_account_id": to_account, "amount": amount,
            "from_earned": from_earned, "to_earned": to_earned, "claim_id": claim_id,
            "card_id": card_id, "reverses_id": reverses_id, "memo": memo,
            "created_by": created_by, "created_at": now}, True


async def reverse(transfer_id: int, key: str, *, memo: str = "",
                  created_by: int | None = None) -> tuple[dict[str, Any], bool]:
    """The reversal of a transfer (the opposite movement, earned figures undone); a transfer is
    reversed at most once (a unique key on ``reverses_id``)."""
    original = await get_transfer(transfer_id)
    if original is None:
        raise ApiError.not_found("转账记录", "transfer", "transferId")
    if original["kind"] == "reversal":
        raise ApiError.invalid("transferId", "冲正记录不能再冲正",
                               "a reversal cannot be reversed")
    return await transfer(
        key, "reversal", int(original["to_account_id"]), int(original["from_account_id"]),
        int(original["amount"]), from_earned=-int(original["to_earned"]),
        to_earned=-int(original["from_earned"]), reverses_id=transfer_id,
        memo=memo or f"冲正 #{transfer_id} / reversal of #{transfer_id}", created_by=created_by)


@dataclass(frozen=True)
class Move:
    """One transfer of a batch (:func:`transfer_many`); unguarded."""

    key: str
    kind: str
    from_account: int
    to_account: int
    amount: int
    from_earned: int = 0
    to_earned: int = 0
    claim_id: int | None = None
    memo: str = ""


async def transfer_many(moves: list[Move], *, guard: bool = False) -> dict[str, int]:
    """Make many transfers at once (awards and discredits of the posting job, the year-end
    expiry); ``{key: transfer id}`` of those this call made — a key already used is skipped
    (its first transfer stands). The accounts' cached figures move by one update per distinct
    change; ``guard``: a balance that would go below zero refuses the whole batch
    (``INSUFFICIENT_POINTS``; the caller's transaction rolls back)."""
    if not moves:
        return {}
    if any(m.amount <= 0 or m.from_account == m.to_account for m in moves):
        raise ApiError.invalid("points", "转账金额必须大于0且账户不同",
                               "amounts must be positive between two accounts")
    now, today = _now(), today_shanghai()
    # one statement for the transfers, one for their entries (PostgreSQL: arrays through
    # unnest, no per-row objects), whatever the number
    rows = await bulk_insert(
        Transfer, [Transfer.idempotency_key, Transfer.kind, Transfer.from_account_id,
                   Transfer.to_account_id, Transfer.amount, Transfer.from_earned,
                   Transfer.to_earned, Transfer.claim_id, Transfer.memo, Transfer.created_at],
        [(m.key, m.kind, m.from_account, m.to_account, m.amount, m.from_earned, m.to_earned,
          m.claim_id, m.memo, now) for m in moves],
        returning=[Transfer.id, Transfer.idempotency_key], on_conflict_do_nothing=True)
    made = {str(r["idempotency_key"]): int(r["id"]) for r in rows}
    done = [m for m in moves if m.key in made]
    change: dict[int, list[int]] = {}
    for m in done:
        change.setdefault(m.from_account, [0, 0])
        change.setdefault(m.to_account, [0, 0])
        change[m.from_account][0] -= m.amount
        change[m.from_account][1] += m.from_earned
        change[m.to_account][0] += m.amount
        change[m.to_account][1] += m.to_earned
    groups: dict[tuple[int, int], list[int]] = {}
    for account, (amount, earned) in sorted(change.items()):
        groups.setdefault((amount, earned), []).append(account)
    # the accounts first (their rows stay locked to the end of the transaction), so the entries
    # written next are each account's newest and carry its running figures
    final: dict[int, tuple[int, int]] = {}
    for (amount, earned), ids in groups.items():
        for chunk in range(0, len(ids), 5000):
            ids_part = ids[chunk:chunk + 5000]
            values = {Account.balance: Account.balance + amount,
                      Account.earned: Account.earned + earned}
            where: Any = Account.id.is_in(ids_part)
            if guard and amount < 0:
                where = where & (Account.balance >= -amount)
            moved = await Account.update(values).where(where).returning(
                Account.id, Account.balance, Account.earned)
            if len(moved) != len(ids_part):
                raise insufficient()
            final.update({int(r["id"]): (int(r["balance"]), int(r["earned"])) for r in moved})
    entries = [entry for m in done for entry in (
        (made[m.key], m.from_account, -m.amount, m.from_earned, m.kind, m.memo, m.claim_id),
        (made[m.key], m.to_account, m.amount, m.to_earned, m.kind, m.memo, m.claim_id))]
    # running figures, newest entry first: each account's final figures, less what came later
    running = dict(final)
    afters: list[tuple[int, int]] = []
    for _, account, amount, earned, *_rest in reversed(entries):
        afters.append(running[account])
        running[account] = (running[account][0] - amount, running[account][1] - earned)
    afters.reverse()
    await bulk_insert(
        Entry, [Entry.transfer_id, Entry.account_id, Entry.amount, Entry.earned, Entry.booked_on,
                Entry.kind, Entry.memo, Entry.claim_id, Entry.balance_after, Entry.earned_after,
                Entry.created_at],
        [(tid, account, amount, earned, today, kind, memo, claim, balance, total, now)
         for (tid, account, amount, earned, kind, memo, claim), (balance, total)
         in zip(entries, afters, strict=True)])
    return made


@dataclass(frozen=True)
class Books:
    """What :func:`check_books` found: the sum of every entry (0 when balanced), and the
    accounts whose cached figures differ from their entries."""

    total: int
    mismatched: list[int]

    @property
    def ok(self) -> bool:
        return self.total == 0 and not self.mismatched


async def check_books() -> Books:
    """Compare every account's cached balance and earned figure with its entries: their sums,
    and the running figures its newest entry carries (where it has them)."""
    sums = await Entry.select(Entry.account_id, Sum(Entry.amount).as_alias("amount"),
                              Sum(Entry.earned).as_alias("earned"),
                              Max(Entry.id).as_alias("newest")).group_by(Entry.account_id)
    by_account = {int(r["account_id"]): (int(r["amount"] or 0), int(r["earned"] or 0))
                  for r in sums}
    newest = [int(r["newest"]) for r in sums]
    running: dict[int, tuple[int, int]] = {}
    for chunk in range(0, len(newest), 5000):
        for e in await Entry.select(Entry.account_id, Entry.balance_after, Entry.earned_after
                                    ).where(Entry.id.is_in(newest[chunk:chunk + 5000])):
            if e["balance_after"] is not None:
                running[int(e["account_id"])] = (int(e["balance_after"]),
                                                 int(e["earned_after"]))
    accounts = await Account.select(Account.id, Account.balance, Account.earned)
    mismatched = [
        int(a["id"]) for a in accounts
        if by_account.get(int(a["id"]), (0, 0)) != (int(a["balance"]), int(a["earned"]))
        or running.get(int(a["id"]), (int(a["balance"]), int(a["earned"])))
        != (int(a["balance"]), int(a["earned"]))]
    return Books(total=sum(v[0] for v in by_account.values()), mismatched=mismatched)
