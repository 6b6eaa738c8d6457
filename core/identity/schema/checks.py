"""Query ``checkPermission``: may the caller do P (on this object)? If not, why not."""

from __future__ import annotations

import strawberry

from core.identity.places import place_of, place_type
from core.identity.schema.types import PermissionCheck
from core.schema.context import Info
from core.schema.errors import ApiError, ErrorCode
from core.schema.relay import decode_global_id

__all__ = ["check_permission"]


@strawberry.field(description="检查当前登录者在当前节点（或某对象上）是否有某权限，并说明原因 / "
                              "whether the caller holds a permission here or on an object, and why not")
async def check_permission(info: Info, permission: str,
                           object_id: strawberry.ID | None = None) -> PermissionCheck:
    ctx = info.context
    if permission not in ctx.state.rolebook.permissions:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, f"未知的权限 {permission}",
                       f"unknown permission {permission}", "permission")
    access = await ctx.access()
    place = None
    if object_id is not None:
        type_name, pk = decode_global_id(object_id)
        if not place_type(type_name):
            raise ApiError(ErrorCode.INVALID_ARGUMENT, f"{type_name} 类型的对象没有地点",
                           f"objects of type {type_name} have no place", "objectId")
        async with ctx.read():
            place = await place_of(type_name, pk)
        if place is None:
            raise ApiError(ErrorCode.NOT_FOUND, "未找到对象", "object not found", "objectId")
    decision = access.check(permission, place)
    return PermissionCheck(permission=permission, allowed=decision.allowed,
                           reason_zh=decision.reason_zh or "允许", reason_en=decision.reason_en
                           or "allowed")
