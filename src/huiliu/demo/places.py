"""The demo's corner of the division tree: real counties that send and receive migrants,
with townships and villages generated below them.

The tree grows with the population (a sending village for about every 350 persons, a
receiving community for about every 800), so that a small demo still has people in
every village and a large one has villages of a realistic size.
"""

import math
import random
from dataclasses import dataclass, field

from huiliu.jurisdictions import codes
from huiliu.jurisdictions.standard import standard_divisions

from . import names

# Labour-sending counties of Shandong, Henan and Sichuan. The first is the demo users' origin.
SENDING_COUNTIES = (
    371721000000, 371722000000, 371321000000, 371324000000,  # 菏泽 曹县 单县, 临沂 沂南县 兰陵县
    411627000000, 411625000000, 411425000000, 411525000000,  # 周口 太康县 郸城县, 商丘 虞城县, 信阳 固始县
    511722000000, 511324000000, 511621000000, 511923000000,  # 达州 宣汉县, 南充 仪陇县, 广安 岳池县, 巴中 平昌县
)
# Receiving districts of Guangdong and Zhejiang. The first is the demo users' destination.
RECEIVING_COUNTIES = (
    440306000000, 440307000000, 440605000000, 440111000000,  # 深圳 宝安区 龙岗区, 佛山 南海区, 广州 白云区
    330109000000, 330212000000, 330782000000, 330381000000,  # 杭州 萧山区, 宁波 鄞州区, 金华 义乌市, 温州 瑞安市
)
# Where people also go, named in an outflow form only (no villages generated there).
OTHER_DESTINATIONS = (110105000000, 310115000000, 320583000000, 320506000000)  # 北京朝阳, 上海浦东, 昆山, 苏州吴中

# The layout of generated jurisdiction rows for the bulk writer (see population.TABLES).
JURISDICTION_LAYOUT = (("code", False), ("name", False), ("level", False), ("parent_id", True))
# The first county of each side draws this many times its share, so the demo users see busy places.
FIRST_COUNTY_WEIGHT = 3
PERSONS_PER_SENDING_VILLAGE = 350
ARRIVALS_PER_COMMUNITY = 800


@dataclass
class County:
    code: int
    name: str
    full_name: str  # 广东省深圳市宝安区
    city_code: int
    city_full_name: str  # 广东省深圳市
    villages: list[tuple[int, str]] = field(default_factory=list)  # (code, full name below the county)


@dataclass
class DemoTree:
    sending: list[County]
    receiving: list[County]
    other_destinations: list[County]
    rows: list[tuple[int, str, int, int]]  # generated townships and villages: code, name, level, parent

    @property
    def origin_village(self) -> int:
        return self.sending[0].villages[0][0]

    @property
    def destination_village(self) -> int:
        return self.receiving[0].villages[0][0]


def tree_shape(persons: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """(townships, villages per township) for a sending and for a receiving county."""

    def shape(villages_wanted: int, counties: int) -> tuple[int, int]:
        per_county = max(2, math.ceil(villages_wanted / counties))
        townships = min(999, max(1, round(math.sqrt(per_county / 1.5))))
        return townships, min(999, math.ceil(per_county / townships))

    return (
        shape(persons // PERSONS_PER_SENDING_VILLAGE, len(SENDING_COUNTIES)),
        shape(persons // ARRIVALS_PER_COMMUNITY, len(RECEIVING_COUNTIES)),
    )


def build_tree(persons: int, seed: int) -> DemoTree:
    """The demo counties with generated townships and villages, the same for the same size and seed."""
    rng = random.Random(f"huiliu-demo:{seed}:places")
    known = dict(standard_divisions())
    (sending_townships, sending_villages), (receiving_townships, receiving_villages) = tree_shape(persons)
    rows: list[tuple[int, str, int, int]] = []

    def county(code: int) -> County:
        path = [known[a] for a in codes.ancestor_codes(code) if a in known]
        city = code // 10**8 * 10**8
        if city not in known:  # a county directly below a municipality such as Beijing
            city = code // 10**10 * 10**10
        return County(code=code, name=known[code], full_name="".join([*path, known[code]]), city_code=city,
                      city_full_name="".join(known[a] for a in [*codes.ancestor_codes(city), city] if a in known))

    sending = [county(code) for code in SENDING_COUNTIES]
    for place in sending:
        _grow(rng, place, rows, sending_townships, sending_villages, _rural_township, _rural_village)
    receiving = [county(code) for code in RECEIVING_COUNTIES]
    for place in receiving:
        _grow(rng, place, rows, receiving_townships, receiving_villages, _street, _community)
    return DemoTree(sending=sending, receiving=receiving,
                    other_destinations=[county(code) for code in OTHER_DESTINATIONS], rows=rows)


def _grow(rng, county: County, rows, townships: int, villages: int, township_name, village_name) -> None:
    used_townships: set[str] = set()
    for t in range(1, townships + 1):
        township = county.code + t * 1000
        name = _unique(rng, township_name, used_townships)
        rows.append((township, name, codes.TOWNSHIP, county.code))
        used_villages: set[str] = set()
        for v in range(1, villages + 1):
            village = _unique(rng, village_name, used_villages)
            rows.append((township + v, village, codes.VILLAGE, township))
            county.villages.append((township + v, name + village))


def _unique(rng, make, used: set[str]) -> str:
    for _attempt in range(50):
        name = make(rng)
        if name not in used:
            used.add(name)
            return name
    # The pools are large enough that this only happens in trees far bigger than any demo.
    name = f"{make(rng)}{len(used) + 1}"
    used.add(name)
    return name


def _rural_township(rng) -> str:
    head = rng.choice(names.TOWNSHIP_HEADS) + rng.choice(names.TOWNSHIP_HEADS + names.VILLAGE_HEADS)
    return head + ("镇" if rng.random() < 0.8 else "乡")


def _rural_village(rng) -> str:
    if rng.random() < 0.5:
        head = names.SURNAME_POOL[rng.randrange(len(names.SURNAME_POOL))]
    else:
        head = rng.choice(names.VILLAGE_HEADS)
    return head + rng.choice(names.VILLAGE_TAILS) + "村"


def _street(rng) -> str:
    return rng.choice(names.COMMUNITY_WORDS) + "街道"


def _community(rng) -> str:
    return rng.choice(names.COMMUNITY_WORDS) + ("社区" if rng.random() < 0.85 else "村")
