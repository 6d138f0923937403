"""Pools of plausible Chinese words for demo rows: personal names, place names, firms, jobs, streets.

Every pool is a plain tuple built once at import. A weighted pool is expanded into a
list where each entry appears in proportion to its weight, so that drawing from it is
one index by `random()`: the generator draws millions of times and a `choices()` call
per draw would cost more than the rest of a row.
"""

# The hundred commonest surnames with their shares in per mille (2020 census, rounded).
SURNAMES = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 51), ("陈", 46), ("杨", 32), ("黄", 25), ("赵", 22), ("吴", 20),
    ("周", 19), ("徐", 16), ("孙", 15), ("马", 15), ("朱", 13), ("胡", 13), ("郭", 12), ("何", 11), ("林", 10),
    ("高", 10), ("罗", 10), ("郑", 9), ("梁", 9), ("谢", 8), ("宋", 7), ("唐", 7), ("许", 6), ("韩", 6),
    ("邓", 6), ("冯", 6), ("曹", 6), ("彭", 6), ("曾", 6), ("肖", 6), ("田", 6), ("董", 5), ("潘", 5), ("袁", 5),
    ("蔡", 5), ("蒋", 5), ("余", 5), ("于", 5), ("杜", 5), ("叶", 4), ("程", 4), ("魏", 4), ("苏", 4), ("吕", 4),
    ("丁", 4), ("任", 4), ("卢", 4), ("姚", 4), ("沈", 4), ("钟", 3), ("姜", 3), ("崔", 3), ("谭", 3), ("陆", 3),
    ("范", 3), ("汪", 3), ("廖", 3), ("石", 3), ("金", 3), ("韦", 3), ("贾", 2), ("夏", 2), ("付", 2), ("方", 2),
    ("邹", 2), ("熊", 2), ("白", 2), ("孟", 2), ("秦", 2), ("邱", 2), ("侯", 1), ("江", 1), ("尹", 1), ("薛", 1),
    ("闫", 1), ("段", 1), ("雷", 1), ("龙", 1), ("黎", 1), ("史", 1), ("陶", 1), ("贺", 1), ("毛", 1), ("郝", 1),
    ("顾", 1), ("龚", 1), ("邵", 1), ("万", 1), ("覃", 1), ("武", 1), ("钱", 1), ("戴", 1), ("严", 1), ("莫", 1),
    ("孔", 1), ("向", 1), ("常", 1),
)

# Characters of given names by sex and generation: names follow fashions, so a woman
# born in 1960 is more often 秀英 and one born in 2000 more often 欣怡.
_GIVEN_CHARACTERS = {
    ("M", "old"): "建国军民华明强伟平志忠德福贵生春林海山文荣庆胜利全宝成兴义",
    ("M", "middle"): "伟强磊军勇杰涛明超刚平辉鹏华飞斌峰亮波东新宏俊浩龙健斌永海金",
    ("M", "young"): "浩宇轩子涵睿博文俊杰泽晨阳天佑皓然嘉豪一鸣思远鑫磊凯旭帆毅",
    ("F", "old"): "秀英兰芳桂珍凤玉梅琴翠云霞花荣素淑香莲菊红英华萍淑芬",
    ("F", "middle"): "芳娜敏静丽艳娟霞燕玲萍红梅琳雪慧丹婷颖倩洁莉蕾晶美霞春",
    ("F", "young"): "欣怡梓涵雨萱诗琪可馨思语嫣佳一诺子悦晨雪彤瑶涵婷雅琳",
}


def _given_names(characters: str) -> tuple[str, ...]:
    # One name in six has a single character; the rest pair two (repeats such as 婷婷 included).
    singles = tuple(dict.fromkeys(characters))
    pairs = tuple(a + b for a in singles for b in singles if a != b or a in "婷丹静娜晶莉萍红")
    return singles * max(1, len(pairs) // (5 * len(singles))) + pairs


GIVEN_NAMES = {key: _given_names(chars) for key, chars in _GIVEN_CHARACTERS.items()}


def generation_of(birth_year: int) -> str:
    """The naming generation of someone born in this year."""
    if birth_year < 1970:
        return "old"
    if birth_year < 1990:
        return "middle"
    return "young"


def expand(weighted) -> tuple:
    """A tuple where each value appears as many times as its integer weight."""
    return tuple(value for value, weight in weighted for _ in range(weight))


SURNAME_POOL = expand(SURNAMES)

# Village names: a family name with 家/庄/营… or a landscape word with a feature.
VILLAGE_HEADS = "东西南北前后大小新老上下中石柳杨枣桃杏梨槐松柏桥河湖泉山岭沟坡湾马牛羊龙凤黄白红青"
VILLAGE_TAILS = ("庄", "营", "屯", "集", "店", "寨", "楼", "庙", "桥", "河", "沟", "湾", "坡", "岭", "洼", "口",
                 "铺", "堡", "园", "坪", "坝", "岗", "林", "庄子", "家庄", "家湾", "家沟", "家营", "家寨", "家坪")
TOWNSHIP_HEADS = "安平和兴隆丰富乐泰清宁阳明德仁义昌盛永新华金龙凤城桥河湖山"
COMMUNITY_WORDS = ("新安", "海滨", "凤凰", "桥头", "沙井", "松岗", "福永", "西乡", "石岩", "航城", "翻身", "宝城",
                   "新桥", "上寮", "黄田", "塘尾", "怀德", "和平", "兴围", "鹤洲", "碧海", "流塘", "灵芝",
                   "新湖", "立新", "湖畔", "滨江", "锦绣", "阳光", "幸福", "文汇", "景湖", "金港", "南湖", "北站",
                   "东城", "西城", "联合", "团结", "振兴", "育才", "丹桂", "荷塘", "枫林", "柳岸", "春晖", "朝阳")
ROADS = ("建设路", "人民路", "创业路", "工业大道", "新湖路", "前进路", "公园路", "兴业路", "富民路", "民主大道",
         "沙井路", "松福大道", "宝安大道", "107国道", "环城路", "滨江路", "商业街", "文化路", "学府路", "和平路",
         "新安六路", "翻身路", "宝民一路", "洲石路", "兴华路", "长江路", "解放路", "中山路", "光明路", "振兴路")

FIRM_WORDS = ("鸿达", "华盛", "金龙", "新宇", "宏图", "永泰", "恒信", "联创", "德隆", "中兴", "天成", "瑞丰",
              "富康", "长城", "东方", "卓越", "佳美", "锦华", "明阳", "盛世", "优品", "海川", "正泰", "汇通")
FIRM_TRADES = ("电子", "五金", "服装", "塑胶", "物流", "建筑工程", "餐饮管理", "家具", "精密机械", "包装材料",
               "鞋业", "玩具", "印刷", "光电", "汽车配件", "食品", "纺织", "快递", "物业管理", "家政服务")
JOBS = ("电子厂普工", "建筑工人", "服装加工", "餐饮服务员", "快递员", "外卖骑手", "家政服务员", "装修工", "保安",
        "货车司机", "厨师", "销售员", "仓库管理员", "机械操作工", "网约车司机", "个体经营", "美发师", "保洁员",
        "电工", "焊工", "收银员", "质检员")

MOBILE_PREFIXES = tuple(
    str(p) for p in (
        *range(130, 140), 145, 147, *range(150, 154), *range(155, 160), 166, *range(170, 179),
        *range(180, 190), 191, 198, 199,
    )
)

# Ethnic groups (the people model's values) with their weight per mille, by sending province:
# Sichuan has Yi, Tibetan and Qiang communities; Shandong and Henan are almost all Han with some Hui.
ETHNIC_WEIGHTS = {
    "37": (("汉族", 990), ("回族", 8), ("满族", 2)),
    "41": (("汉族", 985), ("回族", 12), ("蒙古族", 1), ("满族", 2)),
    "51": (("汉族", 935), ("彝族", 35), ("藏族", 18), ("羌族", 7), ("回族", 3), ("苗族", 2)),
}
DEFAULT_ETHNIC_WEIGHTS = (("汉族", 950), ("回族", 15), ("壮族", 10), ("满族", 10), ("土家族", 8), ("苗族", 7))
