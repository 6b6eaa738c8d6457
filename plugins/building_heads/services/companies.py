"""物业 Property companies: a named party of the 三方联席会议 serving a community, which may be
given an account (role ``building_heads.property`` held at the community) to answer the matters
handed to it (see ``handoffs``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    get_community,
    grant_place_role,
    record,
)
from plugins.building_heads.services.common import reach
from plugins.building_heads.services.rota import require_at
from plugins.building_heads.tables import PropertyCompany

__all__ = ["PROPERTY_ROLE", "company_for", "get_company", "link_company_account",
           "property_companies", "register_company"]

PROPERTY_ROLE = "building_heads.property"
MANAGE = "building_heads.manage"


def _not_found() -> ApiError:
    return ApiError("NOT_FOUND", "未找到该物业公司", "property company not found",
                    "propertyCompanyId")


async def get_company(company_id: int) -> dict[str, Any]:
    """The company in scope, or NOT_FOUND."""
    row = await PropertyCompany.select().where(PropertyCompany.id == company_id).first()
    if row is None:
        raise _not_found()
    return dict(row)


async def company_for(access: Access, company_id: int) -> dict[str, Any] | None:
    """The company if the caller may read its community (``building_heads.read``) or is its
    account; None otherwise."""
    row = await PropertyCompany.select().where(PropertyCompany.id == company_id).first()
    if row is None:
        return None
    if row["account_id"] is not None and row["account_id"] == access.principal.account_id:
        return dict(row)
    try:
        require_at(access, "building_heads.read", int(row["community_id"]))
    except ApiError:
        return None
    return dict(row)


async def register_company(access: Access, *, community_id: int, name: str,
                           contact: str = "") -> dict[str, Any]:
    """登记物业 Register a property company serving a community (staff with
    ``building_heads.manage`` there). One name per community (CONFLICT). Audited."""
    community = await get_community(community_id)
    if community is None or community.tenant_id != access.node_id:
        raise ApiError("NOT_FOUND", "未找到该社区", "community not found", "communityId")
    require_at(access, MANAGE, community_id)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ApiError("INVALID_ARGUMENT", "物业公司名称须为1到100个字",
                       "the name must be 1–100 characters", "name")
    contact = (contact or "").strip()
    if len(contact) > 100:
        raise ApiError("INVALID_ARGUMENT", "联系人不超过100字", "at most 100 characters",
                       "contact")
    if await PropertyCompany.exists().where((PropertyCompany.community_id == community_id)
                                            & (PropertyCompany.name == name)):
        raise ApiError("CONFLICT", "该社区已登记同名物业公司",
                       "this community already has a property company of that name", "name")
    row = PropertyCompany(tenant_id=access.node_id, community_id=community_id, name=name,
                          contact=contact, created_by=access.principal.account_id,
                          created_at=datetime.now(UTC))
    try:
        await PropertyCompany.insert(row)
    except Exception as exc:  # a concurrent registration of the name: the unique index decides
        if type(exc).__name__ in ("IntegrityError", "UniqueViolationError") or \
                "unique" in str(exc).lower():
            raise ApiError("CONFLICT", "该社区已登记同名物业公司",
                           "this community already has a property company of that name",
                           "name") from exc
        raise
    await record("building_heads.property.register", account_id=access.principal.account_id,
                 object_type="building_heads_property_company", object_id=row.id,
                 summary={"community_id": community_id, "name": name})
    return await get_company(int(row.id))


async def link_company_account(access: Access, company_id: int, account_id: int
                               ) -> dict[str, Any]:
    """开通账号 Give the company an account: the account holds ``building_heads.property`` at
    the company's community (it answers the matters handed to the company, nothing else).
    Audited."""
    company = await get_company(company_id)
    require_at(access, MANAGE, int(company["community_id"]))
    if company["account_id"] == account_id:
        return company
    try:
        await grant_place_role(account_id, access.node_id, PROPERTY_ROLE, "community",
                               int(company["community_id"]))
    except ApiError as exc:
        raise ApiError(exc.code, exc.zh, exc.en, "accountId") from exc
    await PropertyCompany.update({PropertyCompany.account_id: account_id}).where(
        PropertyCompany.id == company_id)
    await record("building_heads.property.link", account_id=access.principal.account_id,
                 object_type="building_heads_property_company", object_id=company_id,
                 summary={"account_id": account_id})
    return await get_company(company_id)


async def property_companies(access: Access, community_id: int | None
                             ) -> list[dict[str, Any]]:
    """The companies of the communities the caller reads (``building_heads.read``), by name."""
    limit = await reach(access, "building_heads.read")
    query = PropertyCompany.select()
    if limit is not None:
        query = query.where(PropertyCompany.community_id.is_in(
            sorted(limit.community_ids) or [-1]))
    if community_id is not None:
        query = query.where(PropertyCompany.community_id == community_id)
    return [dict(r) for r in await query.order_by(PropertyCompany.name).limit(200)]
