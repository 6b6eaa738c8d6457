"""Invented demo residents: plausible names, valid-checksum but fictitious ID numbers, ages spread
so that every rule bracket in the modules is exercised. Rows use the import sheet's columns."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta

from core.people.validation import make_id_number

__all__ = ["HEADERS", "demo_rows", "id_number"]

HEADERS = ("姓名", "性别", "出生日期", "身份证号", "手机号", "社区/村", "小区", "楼栋", "单元",
           "房号", "与户主关系", "标签")

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
_GIVEN = ["秀英", "桂兰", "玉梅", "淑珍", "凤英", "建华", "建国", "志强", "国华", "春梅", "海燕", "丽娟", "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "军", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "欣怡", "子涵", "浩然", "梓萱", "宇轩", "一诺", "雨泽", "思远", "佳怡", "晨曦", "嘉豪", "若曦", "俊杰"]
# Ages that sit on either side of the modules' thresholds (canteen 60/70/80/90, building-head
# 65, blood donation 18/55/60), plus a spread of everything else.
_EDGE_AGES = (17, 18, 19, 54, 55, 56, 59, 60, 61, 64, 65, 66, 69, 70, 71, 79, 80, 81, 89, 90, 91)
_ELDER_TAGS = ("独居", "空巢", "长期空巢", "鳏寡孤独", "老加残")
_OTHER_TAGS = ("残疾", "低保", "特困", "退役军人")


id_number = make_id_number
"""A GB 11643 number: area (6) + birth date (8) + serial (3, odd = male) + check digit."""


def _birth(rng: random.Random, age: int, today: date) -> date:
    start = date(today.year - age - 1, today.month, today.day) + timedelta(days=1)
    return start + timedelta(days=rng.randrange(364))


def demo_rows(area: str, communities: Sequence[str], compounds: Mapping[str, Sequence[str]],
              count: int = 200, seed: int = 0, today: date | None = None) -> Iterator[tuple[str, ...]]:
    """``count`` residents in households of 1–4 across buildings of the given communities."""
    rng = random.Random(f"{area}:{seed}")
    today = today or date.today()
    made = 0
    serial = 0
    household = 0
    while made < count:
        community = communities[household % len(communities)]
        compound = (compounds.get(community) or ("",))[0]
        local = household // len(communities)  # every household gets its own address:
        building = f"{local // 24 + 1}号楼"  # 24 per building: 2 units × 6 floors × 2 rooms
        unit = f"{local % 24 // 12 + 1}单元"
        room = f"{local % 12 // 2 + 1}0{local % 2 + 1}"
        household += 1
        size = min(rng.choice((1, 1, 2, 2, 2, 3, 3, 4)), count - made)
        surname = rng.choice(_SURNAMES)
        for member in range(size):
            age = rng.choice(_EDGE_AGES) if rng.random() < 0.45 else rng.randrange(1, 96)
            if member == 0:
                age = max(age, 19)
            birth = _birth(rng, age, today)
            serial += 2
            male = rng.random() < 0.5
            number = id_number(area, birth, serial + (1 if male else 0))
            tags = set()
            if rng.random() < 0.2:
                tags.add("党员")
            if age >= 55 and rng.random() < 0.15:
                tags.add("离退休干部")
            if rng.random() < 0.8:
                tags.add("常住")
            if age >= 65 and rng.random() < 0.5:
                tags.add(rng.choice(_ELDER_TAGS))
            if rng.random() < 0.08:
                tags.add(rng.choice(_OTHER_TAGS))
            yield (
                (surname if member < 2 or rng.random() < 0.7 else rng.choice(_SURNAMES))
                + rng.choice(_GIVEN),
                "男" if male else "女",
                birth.isoformat(),
                number,
                f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                community, compound, building, unit, room,
                "户主" if member == 0 else rng.choice(("配偶", "子女", "父母", "孙子女", "其他")),
                "、".join(sorted(tags)),
            )
            made += 1
