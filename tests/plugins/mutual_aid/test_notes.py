"""红便签: anonymous notes whose stored row cannot lead back to the author, the keyed daily
rate limit, paper transcription by staff only, moderation, public answers, the public board."""

from __future__ import annotations

import hashlib

import pytest

from core.plugin import ApiError, encode_global_id
from plugins.mutual_aid.services import notes
from plugins.mutual_aid.tables import Note, NoteBucket


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


POST = """mutation($input: MutualAidPostNoteInput!) { mutualAidPostNote(input: $input) {
  __typename
  ... on MutualAidPostNotePayload { note { id status source } }
  ... on UserError { code field message } } }"""

BOARD = """query($first: Int!) { mutualAidNotesBoard(first: $first) {
  edges { node { text answer status source } } } }"""

MODERATE = """mutation($input: MutualAidModerateNoteInput!) { mutualAidModerateNote(input: $input) {
  ... on MutualAidModerateNotePayload { note { status } } ... on UserError { code } } }"""

ANSWER = """mutation($input: MutualAidAnswerNoteInput!) { mutualAidAnswerNote(input: $input) {
  ... on MutualAidAnswerNotePayload { note { status answer } } ... on UserError { code } } }"""


async def test_the_stored_note_cannot_lead_back_to_its_author(world, factory, gql):
    resident = await factory.account(world.node, "resident")
    text = "楼道堆放杂物太多"
    out = await gql(POST, {"input": {"communityId": gid("Community", world.community.id),
                                     "text": text, "topic": "环境"}},
                    token=resident.token, node=world.node.code)
    note = out["data"]["mutualAidPostNote"]["note"]
    assert note["status"] == "pending" and note["source"] == "online"
    async with world.read():
        [row] = await Note.select().where(Note.text == text)
        buckets = await NoteBucket.select()
    # the note's columns: none holds an account, resident, device, exact time or bucket
    assert set(row) == {"id", "tenant_id", "community_id", "building_id", "topic", "text",
                        "source", "status", "hide_reason", "answer", "answered_at",
                        "created_on", "published_at", "matter_requested"}
    secrets_of_author = {str(resident.id), f"account:{resident.id}"}
    assert not any(str(v) in secrets_of_author for k, v in row.items()
                   if k not in ("id", "tenant_id", "community_id"))
    # the rate-limit bucket is keyed under the server secret: staff cannot recompute it from
    # what they know (the account id, its name), and it names no note
    [bucket] = buckets
    assert set(bucket) == {"id", "tenant_id", "day", "bucket", "posts"}
    guesses = {hashlib.sha256(f"{p}".encode()).hexdigest() for p in
               (resident.id, f"account:{resident.id}")}
    guesses |= {notes.bucket_key("", world.node.id, str(bucket["day"]), f"account:{resident.id}")}
    assert bucket["bucket"] not in guesses
    assert bucket["bucket"] == notes.bucket_key(world.env.settings.secret_key, world.node.id,
                                                str(bucket["day"]), f"account:{resident.id}")


async def test_posting_is_rate_limited_without_identity(world, factory, gql):
    resident = await factory.account(world.node, "resident")
    other = await factory.account(world.node, "resident")
    body = {"communityId": gid("Community", world.community.id)}
    for n in range(5):
        out = await gql(POST, {"input": {**body, "text": f"建议{n}"}}, token=resident.token,
                        node=world.node.code)
        assert out["data"]["mutualAidPostNote"]["__typename"] == "MutualAidPostNotePayload"
    out = await gql(POST, {"input": {**body, "text": "第六条"}}, token=resident.token,
                    node=world.node.code)
    assert out["data"]["mutualAidPostNote"]["code"] == "THROTTLED"
    out = await gql(POST, {"input": {**body, "text": "别人的"}}, token=other.token,
                    node=world.node.code)
    assert out["data"]["mutualAidPostNote"]["__typename"] == "MutualAidPostNotePayload"
    async with world.read():
        assert await Note.count() == 6


async def test_paper_notes_are_transcribed_by_staff_only(world, factory, gql):
    resident = await factory.account(world.node, "resident")
    staff = await factory.account(world.node, "community_staff")
    body = {"communityId": gid("Community", world.community.id), "text": "门口灯坏了",
            "paper": True}
    out = await gql(POST, {"input": body}, token=resident.token, node=world.node.code)
    assert out["data"]["mutualAidPostNote"]["code"] == "FORBIDDEN"
    out = await gql(POST, {"input": body}, token=staff.token, node=world.node.code)
    assert out["data"]["mutualAidPostNote"]["note"]["source"] == "paper"
    async with world.read():
        assert await NoteBucket.count() == 0  # a transcription counts no one


async def test_moderation_answers_and_the_public_board(world, factory, gql):
    staff = await factory.account(world.node, "community_staff")
    async with world.write():
        access = await world.access()
        kept = await notes.post_note(access, tenant_id=world.node.id, secret="s",
                                     poster="device:1", community_id=world.community.id,
                                     text_="希望增加老花镜")
        hidden = await notes.post_note(access, tenant_id=world.node.id, secret="s",
                                       poster="device:1", community_id=world.community.id,
                                       text_="某某家的狗")
        await notes.post_note(access, tenant_id=world.node.id, secret="s", poster="device:2",
                              community_id=world.community.id, text_="待审的")
    out = await gql(MODERATE, {"input": {"noteId": gid("MutualAidNote", hidden["id"]),
                                         "publish": False}}, token=staff.token,
                    node=world.node.code)
    assert out["data"]["mutualAidModerateNote"]["code"] == "INVALID_ARGUMENT"  # reason needed
    out = await gql(MODERATE, {"input": {"noteId": gid("MutualAidNote", hidden["id"]),
                                         "publish": False, "reason": "含他人信息"}},
                    token=staff.token, node=world.node.code)
    assert out["data"]["mutualAidModerateNote"]["note"]["status"] == "hidden"
    out = await gql(ANSWER, {"input": {"noteId": gid("MutualAidNote", kept["id"]),
                                       "answer": "已放入两副"}}, token=staff.token,
                    node=world.node.code)
    assert out["data"]["mutualAidAnswerNote"]["note"] == {"status": "published",
                                                          "answer": "已放入两副"}
    board = await gql(BOARD, {"first": 10}, node=world.node.code)  # no login
    edges = board["data"]["mutualAidNotesBoard"]["edges"]
    assert [e["node"]["text"] for e in edges] == ["希望增加老花镜"]
    assert edges[0]["node"]["answer"] == "已放入两副"


async def test_a_resident_cannot_moderate(world, factory, gql):
    resident = await factory.account(world.node, "resident")
    async with world.write():
        note = await notes.post_note(await world.access(), tenant_id=world.node.id, secret="s",
                                     poster="device:1", community_id=world.community.id,
                                     text_="建议")
    out = await gql(MODERATE, {"input": {"noteId": gid("MutualAidNote", note["id"]),
                                         "publish": True}}, token=resident.token,
                    node=world.node.code)
    assert out["data"]["mutualAidModerateNote"]["code"] == "FORBIDDEN"


async def test_an_empty_note_is_refused(world):
    with pytest.raises(ApiError) as bad:
        async with world.write():
            await notes.post_note(await world.access(), tenant_id=world.node.id, secret="s",
                                  poster="device:1", community_id=world.community.id,
                                  text_="  ")
    assert bad.value.field == "text"


async def test_old_buckets_are_forgotten(world, run_cron):
    from datetime import timedelta

    from core.plugin import today_shanghai

    async with world.write():
        await NoteBucket.insert(NoteBucket(tenant_id=world.node.id,
                                           day=today_shanghai() - timedelta(days=1),
                                           bucket="x" * 64, posts=3))
    out = await run_cron("mutual_aid.forget_note_buckets", world.node)
    assert out.result == 1
    async with world.read():
        assert await NoteBucket.count() == 0


