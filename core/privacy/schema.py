"""GraphQL: ``exportPersonalData`` and ``erasePersonalData`` for staff holding
``people.personal_data.manage`` at the person's tenant (listed in
``core.schema.compose.CORE_CONTRIBUTORS``). Resolvers translate; :mod:`core.privacy.service`
decides. Both are mutations because both write an audit entry."""

from __future__ import annotations

from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from core.privacy import service
from core.schema.context import Info
from core.schema.errors import UserError
from core.schema.mutations import run_mutation
from core.schema.relay import encode_global_id, pk_of

__all__ = ["PERMISSION", "mutation_fields", "types"]

PERMISSION = "people.personal_data.manage"


def _actor(access: Any) -> service.Actor:
    account_id = access.principal.account_id
    return service.Actor(account_id=account_id, label=f"account:{account_id}")


async def _subject(info: Info, resident_id: strawberry.ID | None, id_number: str | None
                   ) -> dict[str, Any]:
    await info.context.require(PERMISSION)
    return await service.find_subject(
        resident_id=pk_of(resident_id, "Resident", "residentId"), id_number=id_number,
        pii_key=info.context.state.settings.pii_key)


@strawberry.input(description="导出某人的个人信息 / export one person's data")
class ExportPersonalDataInput:
    resident_id: strawberry.ID | None = strawberry.field(
        default=None, description="居民（与身份证号二选一）/ the resident, or give idNumber")
    id_number: str | None = strawberry.field(default=None, description="身份证号 / ID number")
    reason: str = strawberry.field(default="", description="事由（记入审计）/ why, for the audit")


@strawberry.type(description="个人信息导出 / one person's data from core and every enabled plugin")
class ExportPersonalDataPayload:
    resident_id: strawberry.ID
    export: JSON = strawberry.field(
        description="{residentId, tenant, generatedAt, sources: {core, <plugin>: {section: "
                    "[records]}}}")


ExportPersonalDataResult = Annotated[ExportPersonalDataPayload | UserError,
                                     strawberry.union("ExportPersonalDataResult")]


@strawberry.mutation(description="导出某人在核心与各插件中的个人信息（需 people.personal_data.manage，"
                                 "记入审计）/ export one person's data (audited)")
async def export_personal_data(info: Info, input: ExportPersonalDataInput
                               ) -> ExportPersonalDataResult:
    async def work(access: Any) -> service.PersonalExport:
        subject = await _subject(info, input.resident_id, input.id_number)
        return await service.export_person(
            info.context.state.registry, subject, _actor(access),
            pii_key=info.context.state.settings.pii_key, reason=input.reason)

    result = await run_mutation(info, work, lambda r: ExportPersonalDataPayload(
        resident_id=strawberry.ID(str(encode_global_id("Resident", r.resident_id))),
        export=cast(JSON, r.as_dict())))
    return result


@strawberry.input(description="删除某人的个人信息 / erase one person's data")
class ErasePersonalDataInput:
    resident_id: strawberry.ID | None = strawberry.field(
        default=None, description="居民（与身份证号二选一）/ the resident, or give idNumber")
    id_number: str | None = strawberry.field(default=None, description="身份证号 / ID number")
    reason: str = strawberry.field(default="", description="事由（记入审计）/ why, for the audit")


@strawberry.type(description="个人信息删除结果 / what an erasure did")
class ErasePersonalDataPayload:
    resident_id: strawberry.ID
    already_erased: bool = strawberry.field(
        description="此前已删除（本次无变化）/ erased before; nothing changed this time")
    counts: JSON = strawberry.field(
        description="各来源按类别的条数 / per source (core, <plugin>), counts by kind")


ErasePersonalDataResult = Annotated[ErasePersonalDataPayload | UserError,
                                    strawberry.union("ErasePersonalDataResult")]


@strawberry.mutation(description="删除或假名化某人在核心与各插件中的个人信息，依法须保留的记录假名化"
                                 "（需 people.personal_data.manage，全部成功或全部不写入，记入审计）/ "
                                 "erase one person's data, pseudonymising records kept by law "
                                 "(all or nothing, audited)")
async def erase_personal_data(info: Info, input: ErasePersonalDataInput
                              ) -> ErasePersonalDataResult:
    async def work(access: Any) -> service.ErasureReport:
        subject = await _subject(info, input.resident_id, input.id_number)
        return await service.erase_person(info.context.state.registry, subject, _actor(access),
                                          reason=input.reason)

    result = await run_mutation(info, work, lambda r: ErasePersonalDataPayload(
        resident_id=strawberry.ID(str(encode_global_id("Resident", r.resident_id))),
        already_erased=r.already_erased, counts=cast(JSON, r.counts)))
    return result


def types() -> list[type]:
    return [ExportPersonalDataPayload, ErasePersonalDataPayload]


def mutation_fields() -> list[Any]:
    return [export_personal_data, erase_personal_data]
