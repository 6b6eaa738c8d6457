"""Demo data (``linli demo``): in 御苑社区 (新区街道) — or the tenant's first community — boxes at
three building entrances with tools and consumables, a month of loans (most returned, some
overdue), a donation waiting for the keeper, a count with a loss, the five teams with dishes,
orders in every state (one escalated), group sessions (last month's held with attendance, the
coming ones with sign-ups, the recurring ones planned a month ahead by the job), projects at
every stage of the 4有 cycle (survey per building → design → delivery → improvement, one
closed), and 红便签 notes (pending, published, answered, hidden; online and transcribed from
paper). Loans and stock movements are written in bulk.

Runs inside a write scope for the tenant; does nothing when the plugin already has boxes
there, so ``make run`` can be repeated. Deterministic per tenant."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from core.plugin import (
    COMMUNITIES,
    SHANGHAI,
    buildings_in,
    get_node,
    residents_in,
    seed_rules,
    system_access,
    today_shanghai,
)
from plugins.mutual_aid.rules import RULES, SINCE
from plugins.mutual_aid.services import boxes, menu, projects, sessions
from plugins.mutual_aid.tables import Box, Item, Loan, Movement, Note, Order, Team

__all__ = ["seed_demo"]

ITEMS = (("扳手", "工具", "tool", 3, 1), ("螺丝刀套装", "工具", "tool", 2, 1),
         ("打气筒", "工具", "tool", 1, 0), ("雨伞", "日用", "tool", 4, 1),
         ("针线包", "日用", "consumable", 10, 3), ("锯条", "工具", "consumable", 6, 2),
         ("创可贴", "药品", "consumable", 30, 10))
DISHES = (("party_care", "帮办代办（代缴水电费、代取药）", "service", "", 0),
          ("party_care", "独居老人上门探望", "service", "lives_alone", 20),
          ("civil_health", "每月义诊", "session", "", 30),
          ("old_young", "每月义剪", "session", "", 20),
          ("old_young", "红乐园儿童手工课", "session", "", 15),
          ("civil_wedding", "文明婚庆简办咨询", "service", "", 0),
          ("school", "入学升学政策咨询", "service", "", 0),
          ("civil_health", "插花活动", "session", "", 12))
NOTES = (("楼道堆放杂物太多，希望清理", "环境", "online", "published",
          "已通知物业本周内清理，并在楼长群提醒。"),
         ("晚上广场舞声音太大", "噪音", "paper", "published", ""),
         ("希望便民箱增加老花镜", "便民箱", "online", "published", "已采购两副放入3号楼便民箱。"),
         ("单元门口的灯坏了好久", "设施", "paper", "pending", ""),
         ("某某家的狗很吵（含个人信息）", "", "online", "hidden", ""))


def _at(days_ago: float, hour: int = 10) -> datetime:
    day = today_shanghai() - timedelta(days=int(days_ago))
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI).astimezone(UTC)


async def seed_demo(tenant_id: int) -> None:
    """Seed the tenant's demo rows (inside a write scope for ``tenant_id``), once."""
    if await Box.exists():
        return
    node = await get_node(tenant_id)
    if node is None:
        return
    # the rule rows as on enablement (the demo may enable the plugin before the hook runs):
    # every computed record below stores a real rule version, never 0
    await seed_rules(RULES, SINCE)
    communities = await COMMUNITIES.select(COMMUNITIES.id, COMMUNITIES.name).where(
        COMMUNITIES.tenant_id == tenant_id).order_by(COMMUNITIES.id)
    if not communities:
        return
    chosen = next((c for c in communities if c["name"] == "御苑社区"), communities[0])
    community_id = int(chosen["id"])
    buildings = [b for b in await buildings_in(community_ids=[community_id]) if b.community_id == community_id]
    residents = [r for r in await residents_in(building_ids=[b.id for b in buildings])] if buildings else []
    if not buildings or not residents:
        return
    rng = random.Random(tenant_id)
    access = system_access(node)
    await menu.seed_teams(tenant_id, [int(c["id"]) for c in communities])
    items = await _boxes(access, buildings[:3])
    await _loans(tenant_id, items, [r.id for r in residents], rng)
    await _menu(access, tenant_id, community_id, [r.id for r in residents], rng)
    await _notes(tenant_id, community_id, buildings[0].id)


async def _boxes(access: Any, buildings: list[Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for building in buildings:
        box = await boxes.create_box(access, building_id=building.id,
                                     name=f"{building.name}红邻菜单便民箱",
                                     place_note="一单元门口")
        for name, category, kind, quantity, threshold in ITEMS:
            items.append(await boxes.add_item(access, box_id=box["id"], name=name, kind=kind,
                                              category=category, quantity=quantity,
                                              restock_threshold=threshold))
        await boxes.offer_donation(access, box_id=box["id"], name="老花镜", quantity=2,
                                   kind="tool")
    wrench = next(i for i in items if i["name"] == "扳手")
    await boxes.count_item(access, item_id=wrench["id"], counted=2, note="月底盘点少一把")
    return items


async def _loans(tenant_id: int, items: list[dict[str, Any]], residents: list[int],
                 rng: random.Random) -> None:
    """A month of takes: loans of tools (most returned, a few overdue) and consumables,
    written in bulk (one INSERT per table, one UPDATE per item still out)."""
    tools = [i for i in items if i["loanable"]]
    supplies = [i for i in items if not i["loanable"]]
    loans: list[Loan] = []
    moves: list[Movement] = []
    out: dict[int, int] = {}
    for n in range(40):
        days_ago = rng.randint(1, 30)
        who = rng.choice(residents)
        if n % 3 == 2:
            item = rng.choice(supplies)
            moves.append(Movement(tenant_id=tenant_id, box_id=item["box_id"],
                                  item_id=item["id"], kind="take", delta=-1, resident_id=who,
                                  created_at=_at(days_ago)))
            continue
        item = rng.choice(tools)
        taken = _at(days_ago)
        due = taken.astimezone(SHANGHAI).date() + timedelta(days=3)
        returned = None if (days_ago > 4 and n % 7 == 0) or days_ago < 2 else _at(
            days_ago - rng.randint(1, 3), 18)
        if returned is None and out.get(int(item["id"]), 0) >= int(item["quantity"]):
            continue  # never more out than the box holds
        loans.append(Loan(tenant_id=tenant_id, box_id=item["box_id"], item_id=item["id"],
                          resident_id=who, quantity=1, taken_at=taken, due_on=due,
                          returned_at=returned, rule_version=0))
        moves.append(Movement(tenant_id=tenant_id, box_id=item["box_id"], item_id=item["id"],
                              kind="take", delta=-1, resident_id=who, created_at=taken))
        if returned is not None:
            moves.append(Movement(tenant_id=tenant_id, box_id=item["box_id"],
                                  item_id=item["id"], kind="return", delta=1, resident_id=who,
                                  created_at=returned))
        else:
            out[int(item["id"])] = out.get(int(item["id"]), 0) + 1
    if loans:
        await Loan.insert(*loans)
    if moves:
        await Movement.insert(*moves)
    for item_id, units in sorted(out.items()):
        await Item.update({Item.quantity: Item.quantity - units}).where(
            (Item.id == item_id) & (Item.quantity >= units))


async def _menu(access: Any, tenant_id: int, community_id: int, residents: list[int],
                rng: random.Random) -> None:
    teams = {r["code"]: int(r["id"]) for r in await Team.select().where(
        Team.community_id == community_id)}
    dishes = []
    for code, title, mode, tag, capacity in DISHES:
        dishes.append(await menu.create_dish(access, team_id=teams[code], title=title,
                                             mode=mode, eligible_tag=tag, capacity=capacity,
                                             recurring=mode == "session"))
    for dish in dishes:
        if dish["mode"] == "session":
            # last month's session, held (attendance marked), and the coming one
            held = await menu.create_session(access, dish_id=dish["id"],
                                             starts_at=_at(23, 9), capacity=dish["capacity"],
                                             minutes=90)
            for n, resident in enumerate(rng.sample(residents, min(len(residents), 5))):
                await menu.sign_up(access, session_id=held["id"], resident_id=resident)
                await sessions.mark_attendance(access, session_id=held["id"],
                                               resident_id=resident, attended=n != 2)
            session = await menu.create_session(access, dish_id=dish["id"],
                                                starts_at=_at(-3, 9), capacity=dish["capacity"],
                                                minutes=90)
            for resident in rng.sample(residents, min(len(residents), 5)):
                await menu.sign_up(access, session_id=session["id"], resident_id=resident)
    await sessions.recur_sessions({}, tenant_id)   # the recurring ones planned a month ahead
    await _projects(access, community_id, dishes)
    services = [d for d in dishes if d["mode"] == "service" and not d["eligible_tag"]]
    states = ("placed", "placed", "accepted", "scheduled", "done", "confirmed", "confirmed",
              "cancelled")
    for n, state in enumerate(states * 2):
        dish = services[n % len(services)]
        order = await menu.place_order(access, dish_id=dish["id"],
                                       resident_id=residents[n % len(residents)],
                                       description="请尽快安排，谢谢")
        hours_ago = 20 + n * 9
        placed = datetime.now(UTC) - timedelta(hours=hours_ago)
        await Order.update({Order.placed_at: placed,
                            Order.due_at: placed + timedelta(hours=48)}).where(
            Order.id == order["id"])
        if state == "cancelled":
            await menu.cancel_order(access, order_id=order["id"])
            continue
        if state == "placed":
            continue
        # a neighbour volunteers (not the one served): the service record credits them
        await menu.accept_order(access, order_id=order["id"],
                                server_resident_id=residents[(n + 1) % len(residents)])
        await Order.update({Order.accepted_at: placed + timedelta(hours=2 + n)}).where(
            Order.id == order["id"])
        if state == "accepted":
            continue
        await menu.schedule_order(access, order_id=order["id"],
                                  scheduled_for=placed + timedelta(days=1))
        if state == "scheduled":
            continue
        await menu.finish_order(access, order_id=order["id"], minutes=30 + 15 * (n % 4))
        if state == "confirmed":
            await menu.confirm_order(access, order_id=order["id"], rating=4 + n % 2,
                                     comment="服务很贴心")
    open_orders = await Order.select(Order.id).where(Order.status == "placed")
    for row in open_orders[:2]:
        order = await menu.get_order(int(row["id"]))
        for resident in residents[-3:]:
            if resident != order["resident_id"]:  # one's own need takes no +1
                await menu.add_plus_one(access, order_id=order["id"], resident_id=resident)
    await menu.escalate_overdue({}, tenant_id)


PROJECTS = (
    # title, stage reached, the dish its design made, what each stage decided
    ("义诊进楼栋", "improvement", "每月义诊", ("各楼栋都把义诊排在首位", "每月第一个周六上午，两名医生",
                                            "已办四期，平均到场八成")),
    ("红乐园暑期班", "delivery", "红乐园儿童手工课", ("双职工家庭想要暑期看护", "每周三下午手工课")),
    ("插花兴趣班", "design", "插花活动", ("3号楼老人提出想学插花",)),
    ("楼道微更新", "survey", None, ()),
    ("文明婚庆简办", "closed", "文明婚庆简办咨询", ("咨询需求少，并入党员暖心服务队",)),
)
SURVEY = (("义诊", 9), ("义剪", 6), ("插花", 4), ("儿童手工", 5), ("楼道清理", 7))


async def _projects(access: Any, community_id: int, dishes: list[dict[str, Any]]) -> None:
    """Projects at every stage of the 4有 cycle (one closed), each with its survey."""
    by_title = {d["title"]: d for d in dishes}
    buildings = [b for b in await buildings_in(community_ids=[community_id])
                 if b.community_id == community_id][:3]
    for n, (title, stage, dish, notes_) in enumerate(PROJECTS):
        project = await projects.create_project(access, community_id=community_id, title=title,
                                                description=f"{title}（红邻菜单项目）")
        for k, building in enumerate(buildings):
            await projects.record_survey(access, project_id=project["id"],
                                         building_id=building.id,
                                         answers=[SURVEY[(n + k + j) % len(SURVEY)]
                                                  for j in range(3)])
        if stage == "survey":
            continue
        if stage == "closed":
            await projects.advance_project(access, project_id=project["id"], note=notes_[0],
                                           close=True)
            continue
        for step, note in zip(("design", "delivery", "improvement"), notes_, strict=False):
            await projects.advance_project(access, project_id=project["id"], note=note)
            if step == "design" and dish is not None:
                await projects.link_dish(access, project_id=project["id"],
                                         dish_id=int(by_title[dish]["id"]))
            if step == stage:
                break


async def _notes(tenant_id: int, community_id: int, building_id: int) -> None:
    for n, (text, topic, source, status, answer) in enumerate(NOTES):
        day = today_shanghai() - timedelta(days=20 - n * 4)
        await Note.insert(Note(
            tenant_id=tenant_id, community_id=community_id,
            building_id=building_id if n % 2 == 0 else None, topic=topic, text=text,
            source=source, status=status, created_on=day,
            hide_reason="含他人个人信息 / names a neighbour" if status == "hidden" else "",
            answer=answer, answered_at=_at(16 - n * 4) if answer else None,
            published_at=_at(18 - n * 4) if status == "published" else None))


