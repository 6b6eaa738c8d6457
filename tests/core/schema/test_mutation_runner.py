"""``run_mutation``: one write transaction per mutation; an ``ApiError`` rolls back everything
written in it and becomes the typed ``UserError``; success records the audit entry, runs the
post-commit step and returns the payload. ``run_unscoped`` shapes errors alike but leaves
transactions to the work (a refused login must still commit its throttling count)."""

from __future__ import annotations

import secrets
from types import SimpleNamespace
from typing import Any

from core.audit.service import AuditEntry, record
from core.errors import ApiError, ErrorCode
from core.identity.auth import authenticate_bearer
from core.schema.context import Context
from core.schema.errors import UserError
from core.schema.mutations import Audit, run_mutation, run_unscoped
from tenants.service import create_node, get_node, get_node_by_code, scope_for


async def _info(linli_env: Any, tenant: Any, account: Any) -> Any:
    """What a resolver's ``info`` carries for the runner: a real per-request context, for a
    caller authenticated by their bearer token and acting at ``tenant``."""
    state = linli_env.state
    async with state.db.transaction(write=False):
        principal = await authenticate_bearer(account.token, state.settings.secret_key,
                                              state.rolebook)
    return SimpleNamespace(context=Context(state=state, principal=principal,
                                           node_code=tenant.code))


async def _entries(linli_env: Any, tenant: Any, marker: str) -> list[dict[str, Any]]:
    async with linli_env.state.db.scoped(scope_for(tenant)):
        return list(await AuditEntry.select().where(AuditEntry.object_id == marker))


async def _write_both(tenant: Any, marker: str, code: str) -> Any:
    """A scoped write (an audit entry at the acting node) and an unscoped one (a tree node)."""
    await record("tests.probe", account_id=None, object_type="Probe", object_id=marker)
    return await create_node("street", code, "回滚探针", await _parent(tenant))


async def _parent(tenant: Any) -> Any:
    return await get_node(tenant.parent_id)


def _free_code(tenant: Any) -> str:
    return tenant.code[:6] + f"{secrets.randbelow(899) + 100:03d}" + "000"


async def test_api_error_rolls_back_the_transaction_and_is_typed(linli_env, factory):
    tenant = await factory.tenant()
    account = await factory.account(tenant)
    marker, code = secrets.token_hex(6), _free_code(tenant)
    audited, after_ran = [], []

    async def work(access: Any) -> Any:
        await _write_both(tenant, marker, code)
        inside = await AuditEntry.select().where(AuditEntry.object_id == marker)
        assert inside, "the write is visible inside the transaction"
        raise ApiError.conflict("名称已存在", "the name exists", "name")

    result = await run_mutation(
        await _info(linli_env, tenant, account), work, lambda r: ("payload", r),
        audit=lambda r: audited.append(r) or Audit("tests.probe"),
        after=lambda r: _note(after_ran, r))

    assert isinstance(result, UserError)
    assert (result.code, result.message_zh, result.message_en, result.field) == (
        ErrorCode.CONFLICT, "名称已存在", "the name exists", "name")
    assert result.message == "名称已存在"  # zh-CN by default (no Accept-Language)
    assert audited == [] and after_ran == []
    assert await _entries(linli_env, tenant, marker) == []          # scoped write rolled back
    async with linli_env.state.db.transaction(write=False):
        assert await get_node_by_code(code) is None                  # unscoped write too


async def _note(into: list[Any], value: Any) -> None:
    into.append(value)


async def test_errors_from_resolving_the_caller_are_typed_too(linli_env, factory):
    tenant = await factory.tenant()
    info = SimpleNamespace(context=Context(state=linli_env.state, node_code=tenant.code))

    async def work(access: Any) -> Any:
        raise AssertionError("never runs without a caller")

    result = await run_mutation(info, work, lambda r: r)
    assert isinstance(result, UserError) and result.code is ErrorCode.UNAUTHENTICATED


async def test_success_commits_audits_and_returns_the_payload(linli_env, factory):
    tenant = await factory.tenant()
    account = await factory.account(tenant)
    marker, code = secrets.token_hex(6), _free_code(tenant)
    seen_after_commit: list[Any] = []

    async def work(access: Any) -> Any:
        return await _write_both(tenant, marker, code)

    async def after(node: Any) -> None:
        async with linli_env.state.db.transaction(write=False):  # another transaction sees it
            seen_after_commit.append(await get_node_by_code(node.code))

    result = await run_mutation(
        await _info(linli_env, tenant, account), work, lambda node: {"created": node.code},
        audit=lambda node: Audit("tests.probe_done", "Tenant", marker, {"code": node.code}),
        after=after)

    assert result == {"created": code}
    assert seen_after_commit and seen_after_commit[0].code == code
    entries = await _entries(linli_env, tenant, marker)
    assert sorted(e["action"] for e in entries) == ["tests.probe", "tests.probe_done"]
    done = next(e for e in entries if e["action"] == "tests.probe_done")
    assert (done["account_id"], done["object_type"], done["tenant_id"]) == (
        account.id, "Tenant", tenant.id)
    assert code in done["summary"]


async def test_run_unscoped_shapes_errors_but_keeps_what_the_work_committed(linli_env, factory):
    tenant = await factory.tenant()
    code = _free_code(tenant)

    async def work(ctx: Any) -> Any:
        async with ctx.state.db.transaction():   # like a failed login's throttling count
            await create_node("street", code, "已提交", await _parent(tenant))
        raise ApiError.invalid("password", "密码错误", "wrong password")

    result = await run_unscoped(SimpleNamespace(context=SimpleNamespace(state=linli_env.state)),
                                work, lambda r: r)
    assert isinstance(result, UserError)
    assert (result.code, result.field) == (ErrorCode.INVALID_ARGUMENT, "password")
    async with linli_env.state.db.transaction(write=False):
        assert await get_node_by_code(code) is not None


def test_constructors_keep_codes_and_texts():
    assert vars(ApiError.not_found("居民", "resident", "id")) == {
        "code": "NOT_FOUND", "zh": "未找到居民", "en": "resident not found", "field": "id"}
    assert ApiError.invalid("name", "不能为空", "required").code == "INVALID_ARGUMENT"
    assert ApiError.forbidden("无权限", "not allowed").field is None
    assert ApiError.conflict("已存在", "exists", "code").code == "CONFLICT"
    assert ApiError.invalid("id", "无效的ID", "malformed id").on("ids").field == "ids"
    assert str(ApiError.invalid(None, "错", "wrong")) == "错 / wrong"
