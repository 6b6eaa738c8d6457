"""GraphQL of the matters area: the public board ``buildingHeadBoard`` (readable anonymously,
naming the node with ``X-Linli-Node``), the live ``buildingHeadMatterUpdates`` subscription and
the mutations that raise and move matters. Only public fields are exposed: who raised a matter
is shown as a kind (resident, head, staff), never a name; participants are public signatures."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from core.schema.context import Info

from core.identity.access import Access
from core.plugin import NodeType
from core.schema.connection import Connection, check_first, decode_cursor, make_connection
from core.schema.errors import ApiError, ErrorCode, UserError, user_error
from core.schema.relay import Node, encode_global_id
from core.schema.relay import pk_of as _pk
from plugins.building_heads import NAME
from plugins.building_heads import matters as svc
from tenants.scope import Scope

__all__ = ["MUTATIONS", "QUERIES", "SUBSCRIPTIONS", "TYPES"]

MATTER = "BuildingHeadMatter"


@strawberry.enum(description="议事步骤（四步议事法）/ a step of the four-step method")
class BuildingHeadMatterStep(Enum):
    RAISED = "raised"
    COMMITTEES = "committees"
    JOINT = "joint"
    RESIDENTS = "residents"
    IMPLEMENTING = "implementing"
    EVALUATED = "evaluated"


@strawberry.enum(description="议事层级 / where a matter is handled")
class BuildingHeadMatterLevel(Enum):
    BUILDING = "building"
    COMPOUND = "compound"
    COMMUNITY = "community"


@strawberry.enum(description="时间线条目类型 / kind of timeline entry")
class BuildingHeadMatterEntryKind(Enum):
    STEP = "step"
    RESOLVE = "resolve"
    ESCALATE = "escalate"
    HANDOFF = "handoff"
    FOLLOWUP = "followup"


@strawberry.type(description="议事时间线条目 / one entry on a matter's public timeline")
class BuildingHeadMatterEntry:
    id: strawberry.ID
    kind: BuildingHeadMatterEntryKind
    step: BuildingHeadMatterStep
    participants: list[str] = strawberry.field(description="参与人签名 / participants' signatures")
    decision: str
    decided_on: date

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadMatterEntry:
        return cls(id=strawberry.ID(str(row["id"])), kind=BuildingHeadMatterEntryKind(row["kind"]),
                   step=BuildingHeadMatterStep(row["step"]), participants=list(row["participants"]),
                   decision=row["decision"], decided_on=row["decided_on"])


def _gid(type_name: str, pk: Any) -> strawberry.ID | None:
    return None if pk is None else encode_global_id(type_name, int(pk))


@strawberry.type(description="议事事项（公开字段）/ a matter (public fields only)")
class BuildingHeadMatter(Node):
    title: str
    description: str
    level: BuildingHeadMatterLevel
    step: BuildingHeadMatterStep
    resolved: bool = strawberry.field(description="已办结 / closed with a resolution")
    resolution: str
    raised_by: str = strawberry.field(description="提出人类型 resident|head|staff（不公开姓名）"
                                                  " / who raised it (kind only, never a name)")
    rating: int | None = strawberry.field(description="居民评分1–5 / residents' rating")
    handed_to_grid_worker: bool
    building_id: strawberry.ID | None
    compound_id: strawberry.ID | None
    community_id: strawberry.ID
    created_at: datetime
    updated_at: datetime
    pk: strawberry.Private[int]

    @strawberry.field(description="时间线（最早的在前）/ the timeline, oldest first")
    async def timeline(self, info: Info) -> list[BuildingHeadMatterEntry]:
        ctx = info.context

        async def load(ids: list[int]) -> list[list[dict[str, Any]]]:
            async with public_read(ctx):
                found = await svc.entries_of(ids)
            return [found.get(i, []) for i in ids]

        rows = await ctx.loader("building_heads.matter_entries", load).load(self.pk)
        return [BuildingHeadMatterEntry.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadMatter:
        return cls(id=encode_global_id(MATTER, int(row["id"])), pk=int(row["id"]),
                   title=row["title"], description=row["description"],
                   level=BuildingHeadMatterLevel(row["level"]),
                   step=BuildingHeadMatterStep(row["step"]), resolved=row["status"] != "open",
                   resolution=row["resolution"], raised_by=row["raised_by_kind"],
                   rating=row["rating"], handed_to_grid_worker=row["grid_account_id"] is not None,
                   building_id=_gid("Building", row["building_id"]),
                   compound_id=_gid("Compound", row["compound_id"]),
                   community_id=encode_global_id("Community", int(row["community_id"])),
                   created_at=row["created_at"], updated_at=row["updated_at"])


@strawberry.type(description="议事事项的一次变化 / a change to a matter on a live board")
class BuildingHeadMatterUpdate:
    kind: BuildingHeadMatterEntryKind
    matter: BuildingHeadMatter
    entry: BuildingHeadMatterEntry


@strawberry.type(description="议事事项已更新 / the matter after the change")
class BuildingHeadMatterPayload:
    matter: BuildingHeadMatter
    entry: BuildingHeadMatterEntry


BuildingHeadMatterResult = Annotated[BuildingHeadMatterPayload | UserError,
                                     strawberry.union("BuildingHeadMatterResult")]


# -- reading publicly -------------------------------------------------------------------------
async def _public_node(ctx: Any) -> Any:
    """The node an anonymous request names with X-Linli-Node (cached per request)."""
    from tenants.service import get_node_by_code

    async def load(codes: list[str]) -> list[Any]:
        async with ctx.state.db.transaction(write=False):
            return [await get_node_by_code(c) for c in codes]

    code = (ctx.node_code or "").strip()
    node = await ctx.loader("building_heads.public_node", load).load(code) if code else None
    if node is None or node.is_region:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该节点（请用 X-Linli-Node 指定街镇）",
                       "node not found (name the tenant with X-Linli-Node)", "X-Linli-Node")
    return node


@asynccontextmanager
async def public_read(ctx: Any) -> AsyncIterator[int]:
    """A read-only scoped transaction for a public board; yields the tenant id. Signed-in
    callers read as themselves; anonymous ones read the node named by X-Linli-Node."""
    if ctx.principal is None and ctx.auth_error is None:
        node = await _public_node(ctx)
        scope = Scope.for_node(node.id, ancestors=node.ancestor_ids, writable=False)
        async with ctx.state.db.scoped(scope):
            yield int(node.id)
    else:
        async with ctx.read() as access:
            yield int(access.node_id)


def _board_place(compound_id: str | None, community_id: str | None) -> tuple[int | None,
                                                                              int | None]:
    if (compound_id is None) == (community_id is None):
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "请指定小区或社区（二选一）",
                       "name either compoundId or communityId", "compoundId")
    return _pk(compound_id, "Compound", "compoundId"), _pk(community_id, "Community",
                                                            "communityId")


@strawberry.field(description="红邻议事厅：小区或社区的公开议事板，最新的在前（可匿名，用 "
                              "X-Linli-Node 指定街镇）/ the public matter board of a compound or "
                              "community, newest first (anonymous reads name the node with "
                              "X-Linli-Node)")
async def building_head_board(info: Info, first: int, after: str | None = None,
                              compound_id: strawberry.ID | None = None,
                              community_id: strawberry.ID | None = None
                              ) -> Connection[BuildingHeadMatter]:
    check_first(first)
    before = decode_cursor(after)
    compound, community = _board_place(compound_id, community_id)
    async with public_read(info.context):
        rows = await svc.board_matters(compound_id=compound, community_id=community,
                                       first=first, before_id=before)
    return make_connection(rows, first, BuildingHeadMatter.from_row)


@strawberry.subscription(description="议事板实时更新：每次步骤变化推送一次（可匿名）/ live "
                                     "updates of a board: one message per change")
async def building_head_matter_updates(info: Info, compound_id: strawberry.ID | None = None,
                                       community_id: strawberry.ID | None = None
                                       ) -> AsyncGenerator[BuildingHeadMatterUpdate, None]:
    ctx = info.context
    if NAME not in await ctx.enabled_plugins():
        raise ApiError(ErrorCode.PLUGIN_DISABLED, f"插件 {NAME} 未对本单位启用",
                       f"plugin {NAME} is not enabled for this tenant")
    compound, community = _board_place(compound_id, community_id)
    async with public_read(ctx) as tenant_id:
        await svc.board_matters(compound_id=compound, community_id=community, first=0)
    async with svc.board_updates(ctx.state.services.pubsub, tenant_id) as updates:
        async for update in updates:
            if (update.compound_id if compound is not None else update.community_id) != \
                    (compound if compound is not None else community):
                continue
            async with public_read(ctx):
                matter = await svc.get_matter(update.matter_id)
                entries = await svc.entries_of([update.matter_id])
            entry = next((e for e in entries[update.matter_id] if e["id"] == update.entry_id),
                         None)
            if matter is None or entry is None:
                continue
            yield BuildingHeadMatterUpdate(kind=BuildingHeadMatterEntryKind(update.kind),
                                           matter=BuildingHeadMatter.from_row(matter),
                                           entry=BuildingHeadMatterEntry.from_row(entry))


async def _load(info: Info, pk: int) -> BuildingHeadMatter | None:
    async with info.context.read():
        row = await svc.get_matter(pk)
    return BuildingHeadMatter.from_row(row) if row else None


# -- mutations --------------------------------------------------------------------------------
Change = Callable[[Access], Awaitable[tuple[dict[str, Any], int]]]


async def _mutate(info: Info, change: Change) -> BuildingHeadMatterResult:
    ctx = info.context
    try:
        async with ctx.write() as access:
            matter, entry_id = await change(access)
            entries = await svc.entries_of([int(matter["id"])])
    except ApiError as err:
        return user_error(err)
    entry = next(e for e in entries[int(matter["id"])] if e["id"] == entry_id)
    return BuildingHeadMatterPayload(matter=BuildingHeadMatter.from_row(matter),
                                     entry=BuildingHeadMatterEntry.from_row(entry))


@strawberry.input(description="提事：指定楼栋（居民、楼长、工作人员）或小区/社区（工作人员）"
                              " / raise a matter at a building, compound or community")
class BuildingHeadRaiseMatterInput:
    title: str
    description: str = ""
    building_id: strawberry.ID | None = None
    compound_id: strawberry.ID | None = None
    community_id: strawberry.ID | None = None
    participants: list[str] = strawberry.field(default_factory=list)
    raised_on: date | None = None


@strawberry.input(description="记录下一步：参与人、决定、日期；评价须打分 / record the next step")
class BuildingHeadAdvanceMatterInput:
    matter_id: strawberry.ID
    step: BuildingHeadMatterStep
    participants: list[str]
    decision: str
    decided_on: date | None = None
    rating: int | None = None


@strawberry.input(description="在当前步骤办结 / close the matter with its resolution")
class BuildingHeadResolveMatterInput:
    matter_id: strawberry.ID
    resolution: str
    participants: list[str] = strawberry.field(default_factory=list)
    decided_on: date | None = None


@strawberry.input(description="上移一级（楼栋→小区→社区）/ escalate one level")
class BuildingHeadEscalateMatterInput:
    matter_id: strawberry.ID
    reason: str
    participants: list[str] = strawberry.field(default_factory=list)
    decided_on: date | None = None


@strawberry.input(description="下单给网格员 / hand the matter to a grid worker of its grid")
class BuildingHeadHandOffMatterInput:
    matter_id: strawberry.ID
    grid_worker_id: strawberry.ID = strawberry.field(description="网格员账号ID / Account id")
    note: str
    decided_on: date | None = None


@strawberry.input(description="跟进 / a follow-up entry on a handed-off matter")
class BuildingHeadFollowUpMatterInput:
    matter_id: strawberry.ID
    note: str
    decided_on: date | None = None


def _matter_pk(gid: str) -> int:
    return int(_pk(gid, MATTER, "matterId"))  # type: ignore[arg-type]


@strawberry.mutation(description="提事 / raise a matter")
async def building_head_raise_matter(info: Info, input: BuildingHeadRaiseMatterInput
                                     ) -> BuildingHeadMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        return await svc.raise_matter(
            access, title=input.title, description=input.description,
            building_id=_pk(input.building_id, "Building", "buildingId"),
            compound_id=_pk(input.compound_id, "Compound", "compoundId"),
            community_id=_pk(input.community_id, "Community", "communityId"),
            participants=input.participants, raised_on=input.raised_on)
    return await _mutate(info, change)


@strawberry.mutation(description="推进到下一步议事 / record the next step")
async def building_head_advance_matter(info: Info, input: BuildingHeadAdvanceMatterInput
                                       ) -> BuildingHeadMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        return await svc.advance_matter(access, _matter_pk(input.matter_id), input.step.value,
                                        participants=input.participants,
                                        decision=input.decision, decided_on=input.decided_on,
                                        rating=input.rating)
    return await _mutate(info, change)


@strawberry.mutation(description="办结 / resolve a matter at its current step")
async def building_head_resolve_matter(info: Info, input: BuildingHeadResolveMatterInput
                                       ) -> BuildingHeadMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        return await svc.resolve_matter(access, _matter_pk(input.matter_id), input.resolution,
                                        participants=input.participants,
                                        decided_on=input.decided_on)
    return await _mutate(info, change)


@strawberry.mutation(description="上移 / escalate a matter one level")
async def building_head_escalate_matter(info: Info, input: BuildingHeadEscalateMatterInput
                                        ) -> BuildingHeadMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        return await svc.escalate_matter(access, _matter_pk(input.matter_id), input.reason,
                                         participants=input.participants,
                                         decided_on=input.decided_on)
    return await _mutate(info, change)


@strawberry.mutation(description="下单给网格员 / hand a matter to the grid worker")
async def building_head_hand_off_matter(info: Info, input: BuildingHeadHandOffMatterInput
                                        ) -> BuildingHeadMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        worker = int(_pk(input.grid_worker_id, "Account", "gridWorkerId"))  # type: ignore[arg-type]
        return await svc.hand_off_matter(access, _matter_pk(input.matter_id), worker,
                                         input.note, decided_on=input.decided_on)
    return await _mutate(info, change)


@strawberry.mutation(description="跟进 / follow a handed-off matter up")
async def building_head_follow_up_matter(info: Info, input: BuildingHeadFollowUpMatterInput
                                         ) -> BuildingHeadMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        return await svc.follow_up_matter(access, _matter_pk(input.matter_id), input.note,
                                          decided_on=input.decided_on)
    return await _mutate(info, change)


TYPES: list[type] = [BuildingHeadMatter, BuildingHeadMatterEntry, BuildingHeadMatterUpdate,
                     BuildingHeadMatterPayload]
QUERIES: list[object] = [building_head_board]
MUTATIONS: list[object] = [building_head_raise_matter, building_head_advance_matter,
                           building_head_resolve_matter, building_head_escalate_matter,
                           building_head_hand_off_matter, building_head_follow_up_matter]
SUBSCRIPTIONS: list[object] = [building_head_matter_updates]
NODE_TYPES: list[NodeType] = [NodeType(MATTER, _load)]
