"""Notifications are stored in both languages and read in the reader's (issue 8, item 10):
zh-CN by default, English on ``Accept-Language: en``, never "中文 / English" glued together."""

from core.notify.service import LocalText, NotificationMessage, notify, split_text
from tenants.service import scope_for

INBOX = """{ myNotifications(first: 10) { edges { node { title body } } } }"""


async def _titles(gql, who, node, language=None):
    headers = {"Accept-Language": language} if language else None
    out = await gql(INBOX, token=who.token, node=node.code, headers=headers)
    assert "errors" not in out, out
    return [(e["node"]["title"], e["node"]["body"]) for e in out["data"]["myNotifications"]["edges"]]


async def test_the_reader_s_language_picks_the_words(factory, world):
    db, gql = world.state.db, world.gql
    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    async with db.scoped(scope_for(tenant), write=True):
        await notify(admin.id, "probe.both", LocalText("请归还雨伞", "Please return the umbrella"),
                     LocalText("应于周五归还", "due on Friday"))
        await notify(admin.id, "probe.glued", "议事事项转交 / Matter handed to you: 楼道堆物",
                     "请处理 / please deal with it")
        await notify(admin.id, "probe.zh_only", "停水通知", "明日停水")

    zh = await _titles(gql, admin, tenant)
    assert zh == [("停水通知", "明日停水"), ("议事事项转交", "请处理"),
                  ("请归还雨伞", "应于周五归还")]
    assert zh == await _titles(gql, admin, tenant, "zh-CN,zh;q=0.9,en;q=0.8")
    en = await _titles(gql, admin, tenant, "en-US,en;q=0.9")
    assert en == [("停水通知", "明日停水"), ("Matter handed to you: 楼道堆物", "please deal with it"),
                  ("Please return the umbrella", "due on Friday")]
    for title, body in zh + en:
        assert " / " not in title and " / " not in body


def test_splitting_old_style_text() -> None:
    assert split_text("便民箱物品请归还") == LocalText("便民箱物品请归还", "")
    assert split_text("请放回“雨伞” / please return the 雨伞") == LocalText(
        "请放回“雨伞”", "please return the 雨伞")
    assert split_text("A / B") == LocalText("A / B", "")  # no Chinese before: not a pair
    assert "title_en" in NotificationMessage.__dataclass_fields__
