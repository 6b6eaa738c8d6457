"""Demo data (``linli demo``): 阳谷县's network of city reading rooms with rooms in 侨润街道 (不二城市书房,
with its own operator), 寿张镇 and 金斗营镇; a generated catalogue of 1,000 titles over the 22
classes (a few real classics first: search 红楼 finds 红楼梦) with three copies of each in every
room (3,000 per room); readers from the three tenants; loans open, overdue, returned and lost;
holds waiting, in transit, ready, collected and expired; a transfer batch half received; seats
booked; an activity with sign-ups. Seeded once, when the first of the county's tenants is
seeded (the rows are the county's, entered through ``as_region``); bulk inserts throughout."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from core.plugin import (
    as_region,
    get_node,
    personal_cipher,
    seed_rules,
    system_access,
    today_shanghai,
)
from plugins.reading_rooms.rules import RULES, SINCE
from plugins.reading_rooms.services import circulation, holds
from plugins.reading_rooms.services.catalogue import gram_rows, search_text_of
from plugins.reading_rooms.services.common import (
    ALL_TABLES,
    CLASSES,
    NetworkRef,
    check_isbn,
    get_network,
)
from plugins.reading_rooms.tables import (
    Activity,
    Card,
    ClassLimit,
    Copy,
    Hold,
    Loan,
    Network,
    Room,
    Seat,
    SeatBooking,
    SeatSlot,
    Signup,
    Title,
    TitleGram,
    Transfer,
    TransferItem,
    Visit,
)

__all__ = ["CLASSICS", "ROOMS", "seed_demo"]

COUNTY = "阳谷县"
ROOMS = (
    # tenant, room, operator, person in charge, address
    ("侨润街道", "不二城市书房", "阳谷不二文化传媒有限公司", "王书香", "阳谷县侨润街道谷山路"),
    ("寿张镇", "寿张镇城市书房", "寿张镇综合文化站", "李文华", "阳谷县寿张镇政府街"),
    ("金斗营镇", "金斗营镇城市书房", "金斗营镇综合文化站", "赵晓燕", "阳谷县金斗营镇文化广场"),
)
CLASSICS = (
    # ISBN-13 body (12 digits), title, authors, publisher, year, class
    ("978702000220", "红楼梦", "曹雪芹 高鹗", "人民文学出版社", 1996, "I"),
    ("978702000221", "西游记", "吴承恩", "人民文学出版社", 1980, "I"),
    ("978702000222", "水浒传", "施耐庵", "人民文学出版社", 1997, "I"),
    ("978702000223", "三国演义", "罗贯中", "人民文学出版社", 1998, "I"),
    ("978753025935", "平凡的世界", "路遥", "北京十月文艺出版社", 2012, "I"),
    ("978710101412", "中国通史", "吕思勉", "中华书局", 2015, "K"),
)
TITLES = 1000
COPIES_PER_TITLE = 3
_WORDS = ("春天", "乡村", "科学", "少年", "历史", "河流", "城市", "读书", "星空", "家园", "故事",
          "山东", "运河", "田野", "技术", "健康", "儿童", "经济", "文化", "时代")


def _isbn(body: str) -> str:
    return body + str((10 - sum(int(c) * (3 if i % 2 else 1)
                                for i, c in enumerate(body)) % 10) % 10)


def _id_number(area: str, born: datetime, serial: int) -> str:
    body = f"{area}{born:%Y%m%d}{serial:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


async def seed_demo(tenant_id: int) -> None:
    node = await get_node(tenant_id)
    if node is None or node.name not in {r[0] for r in ROOMS}:
        return
    county = await get_node(int(node.parent_id or 0))
    if county is None or county.name != COUNTY or await Network.exists():
        return
    # the rule rows as on enablement (the demo may enable the plugin before the hook runs):
    # every computed record below stores a real rule version, never 0
    await seed_rules(RULES, SINCE)
    async with as_region(county, *ALL_TABLES):
        await _seed(county, tenant_id)


async def _seed(county: Any, tenant_id: int) -> None:
    now = datetime.now(UTC)
    row = Network(tenant_id=county.id, name="阳谷县城市书房", supervisor="阳谷县文化和旅游局",
                  return_policy="float", created_at=now)
    await Network.insert(row)
    network = await get_network(int(row.id))
    rooms: list[int] = []
    for i, (tenant, name, operator, person, address) in enumerate(ROOMS):
        place = await _child_named(county, tenant)
        room = Room(tenant_id=county.id, network_id=network.id, name=name,
                    place_tenant_id=place.id if place else tenant_id, address=address,
                    operator_name=operator, person_in_charge=person,
                    areas="adult,children,quiet_study,parent_child",
                    closed_weekdays="0" if i else "", created_at=now)
        await Room.insert(room)
        rooms.append(int(room.id))
    await _catalogue(network, rooms, now)
    await _people_and_circulation(network, rooms, now)


async def _child_named(county: Any, name: str) -> Any:
    from core.plugin import tenants_enabled_below

    for t in await tenants_enabled_below("reading_rooms", county):
        if t.name == name:
            return t
    return None


async def _catalogue(network: NetworkRef, rooms: list[int], now: datetime) -> None:
    letters = list(CLASSES)
    rng = random.Random(13)
    titles: list[Title] = []
    for body, name, authors, publisher, year, letter in CLASSICS:
        isbn13, isbn10 = check_isbn(_isbn(body))
        titles.append(Title(tenant_id=network.county.id, network_id=network.id, isbn13=isbn13,
                            isbn10=isbn10, title=name, authors=authors, publisher=publisher,
                            year=year, class_letter=letter, call_number=f"{letter}24/{len(titles)}",
                            search_text=search_text_of(name, authors, isbn13, isbn10),
                            created_at=now))
    for n in range(TITLES - len(CLASSICS)):
        letter = letters[n % len(letters)]
        name = f"{rng.choice(_WORDS)}{rng.choice(_WORDS)}{('集', '记', '论', '漫谈', '读本')[n % 5]}"
        authors = rng.choice(("张明", "李华", "王芳", "刘洋", "陈静", "杨帆", "赵磊"))
        isbn13, isbn10 = check_isbn(_isbn(f"97875{n:07d}"))
        titles.append(Title(tenant_id=network.county.id, network_id=network.id, isbn13=isbn13,
                            isbn10=isbn10, title=name, authors=authors, publisher="山东人民出版社",
                            year=2000 + n % 25, class_letter=letter,
                            call_number=f"{letter}{n % 90 + 10}/{n}",
                            search_text=search_text_of(name, authors, isbn13, isbn10),
                            created_at=now))
    for chunk in range(0, len(titles), 500):
        await Title.insert(*titles[chunk:chunk + 500])
    grams = gram_rows(titles)
    for chunk in range(0, len(grams), 2000):
        await TitleGram.insert(*grams[chunk:chunk + 2000])
    copies = [Copy(tenant_id=network.county.id, network_id=network.id, title_id=t.id,
                   barcode=f"YG{r}{t.id:07d}{c}", owning_room_id=room, current_room_id=room,
                   status="available", updated_at=now)
              for r, room in enumerate(rooms) for t in titles for c in range(COPIES_PER_TITLE)]
    for chunk in range(0, len(copies), 1000):
        await Copy.insert(*copies[chunk:chunk + 1000])
    await ClassLimit.insert(*(ClassLimit(tenant_id=network.county.id, room_id=room,
                                         class_letter=letter, max_copies=200)
                              for room in rooms for letter in CLASSES))
    await Seat.insert(*(Seat(tenant_id=network.county.id, room_id=room, label=f"A{n:02d}")
                        for room in rooms for n in range(1, 11)))


async def _people_and_circulation(network: NetworkRef, rooms: list[int], now: datetime) -> None:
    cipher = personal_cipher()
    today = today_shanghai()
    readers = (("张一鸣", "371521", 1985, 0), ("李秀兰", "371521", 1962, 1),
               ("王小明", "371521", 1990, 2), ("赵丽", "371521", 1978, 0),
               ("孙浩", "371521", 2001, 1), ("周敏", "371521", 1995, 2))
    cards: list[Card] = []
    for n, (name, area, year, home) in enumerate(readers):
        number = _id_number(area, datetime(year, 3, 1 + n), 11 + 2 * n)
        cards.append(Card(tenant_id=network.county.id, network_id=network.id,
                          card_number=f"{network.id % 100:02d}{100000 + n:08d}",
                          home_tenant_id=None, name_cipher=cipher.seal(name),
                          phone_cipher=cipher.seal(f"1380635{1000 + n:04d}"),
                          id_number_cipher=cipher.seal(number),
                          id_index=cipher.index("reading_rooms.id_number",
                                                f"{network.id}:{number}"),
                          id_mask=number[:2] + "*" * 15 + number[-1], reader_type="adult",
                          status="active", expires_on=today + timedelta(days=1800),
                          registered_at=now))
    await Card.insert(*cards)
    child_number = _id_number("371521", datetime(2016, 6, 1), 22)
    child = Card(tenant_id=network.county.id, network_id=network.id,
                 card_number=f"{network.id % 100:02d}{100100:08d}", name_cipher=cipher.seal("张小宇"),
                 id_number_cipher=cipher.seal(child_number),
                 id_index=cipher.index("reading_rooms.id_number", f"{network.id}:{child_number}"),
                 id_mask=child_number[:2] + "*" * 15 + child_number[-1], reader_type="child",
                 guardian_card_id=cards[0].id, status="active",
                 expires_on=today + timedelta(days=1800), registered_at=now)
    await Card.insert(child)
    county_access = system_access(network.county)
    titles = [int(r["id"]) for r in await Title.select(Title.id).order_by(Title.id).limit(40)]

    async def barcode(title_id: int, room: int) -> str:
        row = await Copy.select(Copy.barcode).where(
            (Copy.title_id == title_id) & (Copy.current_room_id == room)
            & (Copy.status == "available")).first()
        assert row is not None
        return str(row["barcode"])

    # 红楼梦 (the first title): every copy out, so a hold waits in the queue
    for room in rooms:
        for card in cards[:COPIES_PER_TITLE]:
            await circulation.checkout(county_access, room, card.card_number,
                                       await barcode(titles[0], room))
    # loans open at one room, returned at another (通借通还)
    for n, card in enumerate(cards[3:]):
        code = await barcode(titles[5 + n], rooms[0])
        await circulation.checkout(county_access, rooms[0], card.card_number, code)
        if n == 0:
            await circulation.checkin(county_access, rooms[1], code)
    # holds: waiting (all copies of 红楼梦 out), then another title to in transit and ready
    await holds.place_hold(network, dict(await _card(cards[3].id)), titles[0], rooms[1])
    await holds.place_hold(network, dict(await _card(cards[4].id)), titles[1], rooms[2])
    await holds.place_hold(network, dict(await _card(cards[5].id)), titles[2], rooms[0])
    for title_id, room in ((titles[1], rooms[0]), (titles[2], rooms[0])):
        code = await barcode(title_id, room)
        await circulation.checkout(county_access, room, cards[0].card_number if title_id ==
                                   titles[1] else cards[1].card_number, code)
        await circulation.checkin(county_access, room, code)  # → transit to 金斗营 / shelf here
    # an overdue loan, a lost one (dated in the past) and an expired hold
    late = []
    for title_id, days in ((titles[10], 40), (titles[11], 120)):
        code = await barcode(title_id, rooms[2])
        loan = await circulation.checkout(county_access, rooms[2], cards[5].card_number, code)
        late.append((int(loan["id"]), days))
    for loan_id, days in late:
        await Loan.update({Loan.due_on: today - timedelta(days=days),
                           Loan.loaned_at: now - timedelta(days=days + 30)}).where(
            Loan.id == loan_id)
    await Hold.insert(Hold(tenant_id=network.county.id, network_id=network.id,
                           title_id=titles[3], card_id=cards[2].id, pickup_room_id=rooms[1],
                           status="expired", placed_at=now - timedelta(days=20),
                           ready_at=now - timedelta(days=15),
                           expires_on=today - timedelta(days=8)))
    # a transfer batch from 不二城市书房 to 金斗营镇城市书房, two of five received
    sent = [int(r["id"]) for r in await Copy.select(Copy.id).where(
        (Copy.current_room_id == rooms[0]) & (Copy.status == "available")
        & Copy.title_id.is_in(titles[20:25]))][:5]
    await Copy.update({Copy.status: "in_transit", Copy.destination_room_id: rooms[2]}).where(
        Copy.id.is_in(sent))
    batch = Transfer(tenant_id=network.county.id, network_id=network.id,
                     from_room_id=rooms[0], to_room_id=rooms[2], status="sent",
                     note="统筹配送第1批", created_at=now)
    await Transfer.insert(batch)
    await TransferItem.insert(*(TransferItem(tenant_id=network.county.id, transfer_id=batch.id,
                                             copy_id=c) for c in sent))
    for copy_id in sent[:2]:
        found = await Copy.select(Copy.barcode).where(Copy.id == copy_id).first()
        assert found is not None
        await circulation.checkin(county_access, rooms[2], str(found["barcode"]))
    # seats and an activity
    seat = await Seat.select(Seat.id).where(Seat.room_id == rooms[0]).order_by(Seat.id).first()
    assert seat is not None
    await SeatBooking.insert(*(SeatBooking(tenant_id=network.county.id, seat_id=seat["id"],
                                           card_id=cards[n].id, day=today + timedelta(days=1),
                                           slot=n, created_at=now) for n in range(3)))
    await SeatSlot.insert(*(SeatSlot(tenant_id=network.county.id, seat_id=seat["id"],
                                     day=today + timedelta(days=1), slot=n) for n in range(3)))
    # visits counted at each room's door over the last two weeks
    await Visit.insert(*(Visit(tenant_id=network.county.id, room_id=room, day=today - timedelta(
        days=d), entries=40 + (room * 7 + d * 13) % 60, updated_at=now)
        for room in rooms for d in range(14)))
    activity = Activity(tenant_id=network.county.id, room_id=rooms[0], title="品茶读书会",
                        kind="tea_reading", starts_at=now + timedelta(days=3), capacity=20,
                        signed_up=2, created_at=now)
    await Activity.insert(activity)
    await Signup.insert(*(Signup(tenant_id=network.county.id, activity_id=activity.id,
                                 card_id=cards[n].id, created_at=now) for n in range(2)))


async def _card(card_id: int) -> dict[str, Any]:
    row = await Card.select().where(Card.id == card_id).first()
    assert row is not None
    return dict(row)
