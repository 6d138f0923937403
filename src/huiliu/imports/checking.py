"""Checking every row of a file before anything is written.

Persons are checked column by column: each rule runs over a whole column at once
(the ID check digit as one integer conversion per number, in base 13: 13 ≡ 2 mod 11,
so the digits read in base 13 give the weighted sum of GB 11643 modulo 11), and
values that repeat (dates, division codes, ethnic groups) are judged once each. The
result is a list of problems (row, field, message) and, for the rows without one,
the values ready to insert. Outflows and inflows go row by row through the people
actions themselves (their rules, their notices to the other side), and service
records through the services action (consent, scope, the report to the household
place), each row in a savepoint of one transaction, which the check rolls back and
the import keeps.
"""

import datetime
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huiliu.accounts.scope import in_scope
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.core.identity import (
    MOBILE_PHONE,
    is_known_county_code,
    normalize_id_number,
    validate_phone,
)
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people import actions as people_actions
from huiliu.people.actions import HOUSEHOLD_LEVELS
from huiliu.people.models import (
    ETHNIC_GROUPS,
    OPEN_STATUSES,
    DepartureReason,
    Education,
    InflowRegistration,
    MaritalStatus,
    OutflowRegistration,
    Person,
    ResidenceType,
)
from huiliu.services import actions as services_actions
from huiliu.services.models import (
    ConsentWay,
    ServiceRecord,
    ServiceType,
    is_health_service,
)

from .columns import FIELD_LABELS, Table
from .models import ImportKind

# Row-by-row kinds (departures, arrivals, services) go at about a hundred rows a second: report that often.
PROGRESS_EVERY = 100

ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?: .*)?"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
)
SEX_OF_DIGIT = {digit: "M" if int(digit) % 2 else "F" for digit in "0123456789"}
SEXES = {"男": "M", "男性": "M", "m": "M", "male": "M", "女": "F", "女性": "F", "f": "F", "female": "F"}
MARITAL = {
    "未婚": MaritalStatus.SINGLE, "初婚": MaritalStatus.FIRST_MARRIAGE, "已婚": MaritalStatus.FIRST_MARRIAGE,
    "有配偶": MaritalStatus.FIRST_MARRIAGE, "再婚": MaritalStatus.REMARRIED, "复婚": MaritalStatus.REUNITED,
    "丧偶": MaritalStatus.WIDOWED, "离婚": MaritalStatus.DIVORCED, "未说明": MaritalStatus.UNKNOWN,
    "": MaritalStatus.UNKNOWN, **{value: value for value in MaritalStatus.values},
}
EDUCATION = {
    "未上过学": Education.NONE, "文盲": Education.NONE, "小学": Education.PRIMARY, "初中": Education.JUNIOR,
    "高中": Education.SENIOR, "中专": Education.SENIOR, "技校": Education.SENIOR, "职高": Education.SENIOR,
    "大专": Education.COLLEGE, "大学专科": Education.COLLEGE, "本科": Education.BACHELOR, "大学": Education.BACHELOR,
    "大学本科": Education.BACHELOR, "研究生": Education.POSTGRADUATE, "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE, "": "", **{value: value for value in Education.values},
}
REASONS = {
    "务工": DepartureReason.WORK, "打工": DepartureReason.WORK, "工作": DepartureReason.WORK,
    "经商": DepartureReason.BUSINESS, "投亲": DepartureReason.FAMILY, "随迁": DepartureReason.FAMILY,
    "投亲靠友": DepartureReason.FAMILY, "学习": DepartureReason.STUDY, "上学": DepartureReason.STUDY,
    "婚嫁": DepartureReason.MARRIAGE, "结婚": DepartureReason.MARRIAGE, "其他": DepartureReason.OTHER,
    **{value: value for value in DepartureReason.values},
}
RESIDENCE_TYPES = {
    "租赁": ResidenceType.RENTED, "租房": ResidenceType.RENTED, "出租屋": ResidenceType.RENTED,
    "租赁房屋": ResidenceType.RENTED, "单位宿舍": ResidenceType.DORMITORY, "宿舍": ResidenceType.DORMITORY,
    "自有住房": ResidenceType.OWN, "自购房": ResidenceType.OWN, "自有": ResidenceType.OWN,
    "投亲靠友": ResidenceType.RELATIVES, "借住": ResidenceType.RELATIVES, "其他": ResidenceType.OTHER,
    "": ResidenceType.OTHER, **{value: value for value in ResidenceType.values},
}
ETHNICITY = {**{e: e for e in ETHNIC_GROUPS}, **{e[:-1]: e for e in ETHNIC_GROUPS if len(e) > 2}, "汉": "汉族", "": ""}
NAME_LIMIT = Person._meta.get_field("name").max_length
ADDRESS_LIMIT = Person._meta.get_field("household_address").max_length
REGISTERED_LOOKUP_CHUNK = 50_000


@dataclass
class Checked:
    """A file checked: its problems, how many rows are already recorded alike, and the new rows to write."""

    kind: str
    table: Table
    columns: dict[str, str]
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row index, field, message)
    unchanged: int = 0
    # Persons: the new rows, column name → values of the valid rows, in row order.
    values: dict[str, list] = field(default_factory=dict)
    valid: int = 0
    # Rows refused because their person is registered, but outside the user's scope (told as not found; audited).
    denied: int = 0

    @property
    def bad_rows(self) -> int:
        return len({index for index, _field, _message in self.problems})

    def report(self, limit: int | None = None) -> list[dict]:
        """Each problem as the user reads it: line of the file, column header as written there, value, message."""
        problems = sorted(self.problems, key=itemgetter(0))
        if limit is not None:
            problems = problems[:limit]
        rows = []
        for index, name, message in problems:
            # A field with no column in the file (consent, say) is named as the import calls it.
            header = self.columns.get(name) or (str(FIELD_LABELS[name]) if name in FIELD_LABELS else "")
            column = self.table.column(header)
            rows.append({"line": self.table.lines[index], "column": header,
                         "value": column[index] if column is not None else "", "message": message})
        return rows


def parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    for form in DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            try:
                return datetime.date(*map(int, match.groups()))
            except ValueError:
                return None
    return None


def parse_code(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) == 12 else None


def _lookup(values: list[str], judge: Callable[[str], object]) -> list:
    """judge(value) for each value, judging each distinct value once."""
    verdicts = {value: judge(value) for value in set(values)}
    return list(map(verdicts.__getitem__, values))


def _stripped(column: list[str] | None, rows: int) -> list[str]:
    return list(map(str.strip, column)) if column is not None else [""] * rows


def _birth_verdicts(today: datetime.date) -> Callable[[str], datetime.date | None]:
    def judge(digits: str) -> datetime.date | None:
        try:
            born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        except ValueError:
            return None
        return born if born.year >= 1900 and born <= today else None
    return judge


def check_id_numbers(raw: list[str], today: datetime.date, problems: list) -> tuple[list[str], list]:
    """The normalized numbers and their birth dates (None where the number is refused, with a problem added)."""
    numbers = list(map(str.upper, map(str.strip, raw)))
    for index in [i for i, number in enumerate(numbers) if not ID_SHAPE.fullmatch(number)]:
        number = normalize_id_number(unicodedata.normalize("NFKC", numbers[index]))
        numbers[index] = number
        if not number:
            problems.append((index, "id_number", _("This field is required.")))
        elif len(number) != 18:
            problems.append((index, "id_number", _("The ID number must have 18 characters.")))
        elif not ID_SHAPE.fullmatch(number):
            problems.append((index, "id_number", _("The ID number may contain only digits and a final X.")))
    shaped = [bool(ID_SHAPE.fullmatch(n)) for n in numbers] if problems else None
    checks = [int(n.replace("X", "A"), 13) % 11 == 1 if (shaped is None or shaped[i]) else None
              for i, n in enumerate(numbers)]
    births = _lookup([n[6:14] for n in numbers], _birth_verdicts(today))
    counties = _lookup([n[:6] for n in numbers], is_known_county_code)
    for index, (ok, born, county) in enumerate(zip(checks, births, counties)):
        if ok:
            if born is None:
                problems.append((index, "id_number", _("The birth date in the ID number is not a real date.")))
            elif not county:
                problems.append((index, "id_number", _("The first six digits of the ID number are not a county code.")))
        elif ok is False:
            problems.append((index, "id_number", _("The check digit of the ID number is wrong.")))
    return numbers, births


def _duplicates(numbers: list[str], lines: list[int], problems: list) -> None:
    counts = Counter(numbers)
    if len(counts) == len(numbers):
        return
    first = {}
    for index, number in enumerate(numbers):
        if counts[number] > 1 and number:
            if number in first:
                problems.append((index, "id_number", _("This ID number appears more than once in the file (first on line %(line)d).")
                                 % {"line": lines[first[number]]}))
            else:
                first[number] = index


def registered(numbers: list[str]) -> dict[str, tuple[str, object]]:
    """id_number → (name, key) of the persons already registered with these numbers: one query per 50,000."""
    found = {}
    table = Person._meta.db_table
    for start in range(0, len(numbers), REGISTERED_LOOKUP_CHUNK):
        chunk = numbers[start:start + REGISTERED_LOOKUP_CHUNK]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                import json
                cursor.execute(f'SELECT id_number, name, id FROM "{table}" '
                               f"WHERE id_number IN (SELECT value FROM json_each(%s))", [json.dumps(chunk)])
            elif connection.vendor == "postgresql":
                cursor.execute(f'SELECT id_number, name, id FROM "{table}" WHERE id_number = ANY(%s)', [chunk])
            else:  # pragma: no cover
                found.update({n: (name, pk) for n, name, pk in
                              Person.objects.filter(id_number__in=chunk).values_list("id_number", "name", "id")})
                continue
            found.update({number: (name, pk) for number, name, pk in cursor.fetchall()})
    return found


def _household_verdicts(user, problems_for: Callable[[int], str | None]):
    def judge(text: str) -> tuple[str | None, int | None]:
        code = parse_code(text)
        if not text:
            return _("This field is required."), None
        if code is None:
            return _("A division code has 12 digits."), None
        return problems_for(code), code
    return judge


def check_persons(table: Table, columns: dict[str, str], *, user, today: datetime.date | None = None) -> Checked:
    """Check a file of persons column by column; the valid new rows come back ready to write."""
    today = today or datetime.date.today()
    rows = table.row_count
    checked = Checked(kind=ImportKind.PERSONS, table=table, columns=columns)
    problems = checked.problems

    def column(name):
        return _stripped(table.column(columns.get(name)), rows)

    numbers, births = check_id_numbers(column("id_number"), today, problems)
    refused_numbers = {index for index, _field, _message in problems}
    _duplicates(numbers, table.lines, problems)

    names = column("name")
    for index, name in enumerate(names):
        if not name:
            problems.append((index, "name", _("This field is required.")))
        elif len(name) > NAME_LIMIT:
            problems.append((index, "name", _("At most %(limit)d characters.") % {"limit": NAME_LIMIT}))

    nodes = {}
    household_texts = column("household_code")
    wanted = {code for code in map(parse_code, set(household_texts)) if code is not None}
    if wanted:
        nodes = dict(Jurisdiction.objects.filter(code__in=wanted).values_list("code", "level"))

    def household_problem(code: int) -> str | None:
        if code not in nodes:
            return _("No such jurisdiction.")
        if nodes[code] not in HOUSEHOLD_LEVELS:
            return _("Choose a township, village or community.")
        if not in_scope(user, code, writing=True):
            return _("This jurisdiction is outside your area of responsibility.")
        return None

    households = _lookup(household_texts, _household_verdicts(user, household_problem))
    for index, (problem, _code) in enumerate(households):
        if problem:
            problems.append((index, "household_code", problem))

    sexes = list(map(SEX_OF_DIGIT.get, [n[16:17] for n in numbers]))
    if columns.get("sex"):
        declared = _lookup(column("sex"), lambda text: SEXES.get(text.lower(), "?") if text else None)
        for index, (given, derived) in enumerate(zip(declared, sexes)):
            if given == "?":
                problems.append((index, "sex", _("Write 男 or 女.")))
            elif given and index not in refused_numbers and given != derived:
                problems.append((index, "sex", _("The sex does not agree with the 17th digit of the ID number.")))
    if columns.get("birth_date"):
        declared = _lookup(column("birth_date"), lambda text: (parse_date(text) or "?") if text else None)
        for index, (given, derived) in enumerate(zip(declared, births)):
            if given == "?":
                problems.append((index, "birth_date", _("Write the date as 2024-03-01.")))
            elif given and index not in refused_numbers and given != derived:
                problems.append((index, "birth_date", _("The birth date does not agree with the ID number.")))

    def coded(name, choices, message):
        values = _lookup(column(name), lambda text: choices.get(text, choices.get(text.lower())))
        for index, value in enumerate(values):
            if value is None:
                problems.append((index, name, message))
        return values

    ethnicities = coded("ethnicity", ETHNICITY, _("Choose an ethnic group from the list."))
    educations = coded("education", EDUCATION, _("Choose an education level from the list."))
    maritals = coded("marital_status", MARITAL, _("Choose a marital status from the list."))

    phones = column("phone")
    if columns.get("phone"):
        usual = MOBILE_PHONE.fullmatch
        for index in [i for i, phone in enumerate(phones) if phone and not usual(phone)]:
            phone = phones[index]
            if phone:
                try:
                    phones[index] = validate_phone(phone)
                except ValidationFailed as failure:
                    problems.append((index, "phone", failure.errors["phone"][0]))
    addresses = column("household_address")
    for index, address in enumerate(addresses):
        if len(address) > ADDRESS_LIMIT:
            problems.append((index, "household_address", _("At most %(limit)d characters.") % {"limit": ADDRESS_LIMIT}))

    bad = {index for index, _field, _message in problems}
    on_record = registered([n for i, n in enumerate(numbers) if i not in bad])
    known = set()
    for index, number in enumerate(numbers):
        if number in on_record and index not in bad:
            if on_record[number][0] == names[index]:
                known.add(index)
            else:
                problems.append((index, "name", _("The name differs from the one registered with this ID number. Check the ID card.")))
                bad.add(index)
    checked.unchanged = len(known)
    keep = [i for i in range(rows) if i not in bad and i not in known] if (bad or known) else None

    def kept(values):
        if keep is None:
            return list(values)
        if not keep:
            return []
        picked = itemgetter(*keep)(values)
        return list(picked) if len(keep) > 1 else [picked]

    codes_ = [code for _problem, code in households]
    checked.values = {
        "id_number": kept(numbers), "name": kept(names), "sex": kept(sexes), "birth_date": kept(births),
        "phone": kept(phones), "ethnicity": kept(ethnicities), "education": kept(educations),
        "household_jurisdiction_id": kept(codes_), "household_address": kept(addresses),
        "marital_status": kept(maritals),
    }
    checked.valid = len(checked.values["id_number"])
    return checked


# --- Outflows and inflows: row by row through the people actions ----------------------------------------------


def _cells(table: Table, columns: dict[str, str], index: int) -> dict[str, str]:
    return {name: table.column(header)[index].strip() for name, header in columns.items() if table.column(header) is not None}


def _refusal(problems: list, index: int, failure: Exception, fallback: str) -> None:
    if isinstance(failure, ValidationFailed):
        for name, messages in failure.errors.items():
            for message in messages:
                problems.append((index, name, message))
    else:
        problems.append((index, fallback, str(failure)))


def _written(problems: list, index: int, fallback: str, write) -> bool:
    """Run one row's action in a savepoint; a refusal becomes the row's problem and leaves nothing of the row."""
    try:
        with transaction.atomic():
            write()
    except (ValidationFailed, PermissionDenied) as failure:
        _refusal(problems, index, failure, fallback)
        return False
    return True


def _persons_by_number(table: Table, columns: dict[str, str], problems: list, today) -> tuple[list[str], dict]:
    numbers, _births = check_id_numbers(_stripped(table.column(columns.get("id_number")), table.row_count), today, problems)
    _duplicates(numbers, table.lines, problems)
    return numbers, Person.objects.in_bulk([n for n in numbers if n], field_name="id_number")


def _date(cells: dict, name: str, problems: list, index: int) -> datetime.date | None:
    text = cells.get(name, "")
    value = parse_date(text) if text else None
    if text and value is None:
        problems.append((index, name, _("Write the date as 2024-03-01.")))
    return value


def _code(cells: dict, name: str, problems: list, index: int) -> int | None:
    text = cells.get(name, "")
    code = parse_code(text) if text else None
    if text and code is None:
        problems.append((index, name, _("A division code has 12 digits.")))
    return code


def run_outflows(table: Table, columns: dict[str, str], *, user, progress=None) -> Checked:
    """Register each row's departure through people.actions.register_outflow, each in its own savepoint."""
    checked = Checked(kind=ImportKind.OUTFLOWS, table=table, columns=columns)
    problems = checked.problems
    today = datetime.date.today()
    numbers, persons = _persons_by_number(table, columns, problems, today)
    recorded = set(OutflowRegistration.objects.filter(
        migration__person__in=list(persons.values()), migration__status__in=OPEN_STATUSES,
    ).values_list("migration__person_id", "departure_date"))
    bad = {index for index, _f, _m in problems}
    for index in range(table.row_count):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, table.row_count)
        if index in bad:
            continue
        cells = _cells(table, columns, index)
        before = len(problems)
        person = persons.get(numbers[index])
        if person is None:
            problems.append((index, "id_number", _("No person is registered with this ID number.")))
            continue
        if person.name != cells.get("name", ""):
            problems.append((index, "name", _("The name differs from the one registered with this ID number. Check the ID card.")))
            continue
        departure = _date(cells, "departure_date", problems, index)
        destination = _code(cells, "destination_code", problems, index)
        reason = REASONS.get(cells.get("reason", ""))
        if reason is None:
            problems.append((index, "reason", _("Choose a reason from the list.")))
        if len(problems) > before:
            continue
        if (person.pk, departure) in recorded:
            checked.unchanged += 1
            continue
        if not _written(problems, index, "id_number", partial(people_actions.register_outflow,
                acting_user=user, person=person, departure_date=departure, reason=reason,
                destination_code=destination, destination_address=cells.get("destination_address", ""),
                employer=cells.get("employer", ""), work_background=cells.get("work_background", ""),
                contact_phone=cells.get("contact_phone", ""), village_contact=cells.get("village_contact", ""),
            )):
            continue
        persons[numbers[index]] = Person.objects.get(pk=person.pk)
        checked.valid += 1
    return checked


def run_inflows(table: Table, columns: dict[str, str], *, user, progress=None) -> Checked:
    """Register each row's arrival through people.actions.register_inflow, each in its own savepoint."""
    checked = Checked(kind=ImportKind.INFLOWS, table=table, columns=columns)
    problems = checked.problems
    today = datetime.date.today()
    numbers, persons = _persons_by_number(table, columns, problems, today)
    recorded = set(InflowRegistration.objects.filter(
        migration__person__in=list(persons.values()), migration__status__in=OPEN_STATUSES,
    ).values_list("migration__person__id_number", "residence_jurisdiction_id", "arrival_date"))
    bad = {index for index, _f, _m in problems}
    for index in range(table.row_count):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, table.row_count)
        if index in bad:
            continue
        cells = _cells(table, columns, index)
        before = len(problems)
        arrival = _date(cells, "arrival_date", problems, index)
        birth_date = _date(cells, "birth_date", problems, index)
        residence = _code(cells, "residence_code", problems, index)
        household = _code(cells, "household_code", problems, index)
        residence_type = RESIDENCE_TYPES.get(cells.get("residence_type", ""))
        if residence_type is None:
            problems.append((index, "residence_type", _("Choose a residence type from the list.")))
        sex = SEXES.get(cells.get("sex", "").lower(), "?") if cells.get("sex") else None
        if sex == "?":
            problems.append((index, "sex", _("Write 男 or 女.")))
        marital = MARITAL.get(cells.get("marital_status", ""))
        if marital is None:
            problems.append((index, "marital_status", _("Choose a marital status from the list.")))
        if len(problems) > before:
            continue
        if (numbers[index], residence, arrival) in recorded:
            checked.unchanged += 1
            continue
        if not _written(problems, index, "residence_code", partial(people_actions.register_inflow,
                acting_user=user, id_number=numbers[index], name=cells.get("name", ""), arrival_date=arrival,
                residence_code=residence, address=cells.get("address", ""), residence_type=residence_type,
                landlord_or_employer=cells.get("landlord_or_employer", ""), household_code=household,
                household_address=cells.get("household_address", ""), sex=sex, birth_date=birth_date,
                phone=cells.get("phone", ""), marital_status=marital,
            )):
            continue
        recorded.add((numbers[index], residence, arrival))
        checked.valid += 1
    return checked


ROW_BY_ROW = {ImportKind.OUTFLOWS: run_outflows, ImportKind.INFLOWS: run_inflows}


# --- Service records: row by row through the services action ----------------------------------------------------

YES = frozenset({"是", "同意", "已同意", "本人同意", "有", "y", "yes", "true", "1", "√", "✓", "✔"})
NO = frozenset({"否", "不同意", "未同意", "无", "n", "no", "false", "0", "×", "✗"})
# Other words the ledgers use for a type of service, beside its label (Chinese and English) and its value.
SERVICE_TYPE_WORDS = {
    ServiceType.HEALTH_CHECKUP: ("健康检查", "生殖保健检查", "妇科检查", "查环查孕查病"),
    ServiceType.CONTRACEPTIVE_SUPPLY: ("避孕药具", "发放避孕药具", "药具发放", "避孕药具免费发放"),
    ServiceType.COUNSELLING: ("健康咨询", "生殖健康咨询"),  # not a bare 咨询: legal advice is one too
    ServiceType.PRENATAL_REFERRAL: ("孕产期保健", "孕期保健转介", "产前检查转介", "孕产期保健服务"),
    ServiceType.POSTPARTUM_VISIT: ("产后访视服务", "产后探访"),
    ServiceType.LEGAL_AID: ("法律服务", "维权援助"),
    ServiceType.JOB_REFERRAL: ("就业推荐", "培训推荐", "就业培训", "职业培训", "就业服务"),
    ServiceType.SCHOOL_HELP: ("子女入学", "入学帮助", "子女就学"),
    ServiceType.FAMILY_VISIT: ("留守家庭探访", "走访留守家庭", "留守家庭访视"),
}
CONSENT_WAY_WORDS = {
    ConsentWay.SPOKEN: ("口头", "当面", "口头同意", "当面告知", "当面同意"),
    ConsentWay.SIGNED: ("书面", "签字", "签名", "知情同意书", "签署", "书面同意"),
    ConsentWay.ONLINE: ("网上", "电话", "线上", "网上确认", "电话确认", "网上或电话"),
}
PROVIDER_LIMIT = ServiceRecord._meta.get_field("provider").max_length


def _folded_word(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).lower()


def _words(choices, extra: dict) -> dict[str, str]:
    """Folded word → value: each choice's value, its label in Chinese (the catalogue's) and English, and the extras."""
    words = {}
    for value, label in choices:
        with translation.override("zh-hans"):
            chinese = str(label)
        with translation.override(None):
            english = str(label)
        for word in (value, chinese, english, *extra.get(value, ())):
            words.setdefault(_folded_word(word), value)
    return words


def service_type_words() -> dict[str, str]:
    return _words(ServiceType.choices, SERVICE_TYPE_WORDS)


def consent_way_words() -> dict[str, str]:
    return _words(ConsentWay.choices, CONSENT_WAY_WORDS)


def _listed(choices) -> str:
    return "、".join(str(label) for _value, label in choices)


def run_service_records(table: Table, columns: dict[str, str], *, user, progress=None) -> Checked:
    """Record each row's service through services.actions.record_service, each in its own savepoint.

    A row names its person by ID number: one not registered, or registered outside the user's area, is refused with
    the same words (the refusal of the second kind is counted, for the audit). A health service is recorded only
    with the person's informed consent as the file states it: a row with the consent cell empty, or "否", is refused,
    never assumed; its way of consent must be written; its date of consent is the consent column's, or else the
    service date (the ledger records consent given for the service, on its day). A service already recorded for the
    person with the same type, date and provider counts as already there; the same one twice in the file is refused
    on its second line.
    """
    checked = Checked(kind=ImportKind.SERVICES, table=table, columns=columns)
    problems = checked.problems
    today = timezone.localdate()
    numbers, _births = check_id_numbers(_stripped(table.column(columns.get("id_number")), table.row_count), today,
                                        problems)
    bad = {index for index, _f, _m in problems}
    persons = Person.objects.in_bulk([n for i, n in enumerate(numbers) if n and i not in bad], field_name="id_number")
    offices = {number: services_actions.recording_office(user, person) for number, person in persons.items()}
    mine = [person for number, person in persons.items() if offices[number] is not None]
    recorded = set(ServiceRecord.objects.filter(person__in=mine).values_list(
        "person_id", "service_type", "service_date", "provider"))
    types, ways = service_type_words(), consent_way_words()
    first_line = {}
    for index in range(table.row_count):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, table.row_count)
        if index in bad:
            continue
        cells = _cells(table, columns, index)
        person = persons.get(numbers[index])
        if person is None or offices[numbers[index]] is None:
            # The same words whether the number is unknown or registered elsewhere: nothing is told of other areas.
            problems.append((index, "id_number", _("Not registered in your area: register the person first, or "
                                                   "check the ID number.")))
            checked.denied += person is not None
            continue
        if person.name != cells.get("name", ""):
            problems.append((index, "name", _("The name differs from the one registered with this ID number. Check the ID card.")))
            continue
        before = len(problems)
        service_type = None
        if not cells.get("service_type"):
            problems.append((index, "service_type", _("This field is required.")))
        else:
            service_type = types.get(_folded_word(cells["service_type"]))
            if service_type is None:
                problems.append((index, "service_type", _("Unknown type of service: write one of %(types)s.")
                                 % {"types": _listed(ServiceType.choices)}))
        service_date = _date(cells, "service_date", problems, index)
        if not cells.get("service_date"):
            problems.append((index, "service_date", _("Give the date of the service.")))
        elif service_date is not None and service_date > today:
            problems.append((index, "service_date", _("The date cannot be in the future.")))
        provider = cells.get("provider", "")
        if not provider:
            problems.append((index, "provider", _("Name the unit that gave the service.")))
        elif len(provider) > PROVIDER_LIMIT:
            problems.append((index, "provider", _("At most %(limit)d characters.") % {"limit": PROVIDER_LIMIT}))
        consent = {}
        if service_type is not None and is_health_service(service_type):
            consent = _consent(cells, ways, service_date, problems, index)
        if len(problems) > before:
            continue
        key = (numbers[index], service_type, service_date, provider)
        if key in first_line:
            problems.append((index, "service_type", _("This service appears more than once in the file (first on "
                                                      "line %(line)d).") % {"line": table.lines[first_line[key]]}))
            continue
        first_line[key] = index
        if (person.pk, service_type, service_date, provider) in recorded:
            checked.unchanged += 1
            continue
        if not _written(problems, index, "id_number", partial(services_actions.record_service,
                acting_user=user, person=person, service_type=service_type, service_date=service_date,
                provider=provider, outcome=cells.get("outcome", ""),
                method_chosen=cells.get("method_chosen", ""), **consent,
            )):
            continue
        checked.valid += 1
    return checked


def _consent(cells: dict, ways: dict, service_date, problems: list, index: int) -> dict:
    """The consent of a health service as the row states it, or a problem: it is never assumed."""
    given = cells.get("consent_given", "")
    if not given:
        problems.append((index, "consent_given", _("A health service is recorded only with the person's informed "
                                                   "consent, and this row does not state it: write 是 in the consent "
                                                   "column if the person consented.")))
        return {}
    answer = _folded_word(given)
    if answer in NO:
        problems.append((index, "consent_given", _("The person did not consent: a health service is not recorded "
                                                   "without the person's informed consent.")))
        return {}
    if answer not in YES:
        problems.append((index, "consent_given", _("Write 是 or 否.")))
        return {}
    way = ways.get(_folded_word(cells.get("consent_way", ""))) if cells.get("consent_way") else None
    if way is None:
        problems.append((index, "consent_way", _("How consent was given: write one of %(ways)s.")
                         % {"ways": _listed(ConsentWay.choices)}))
    consent_on = _date(cells, "consent_on", problems, index) if cells.get("consent_on") else service_date
    return {"consent_given": True, "consent_way": way or "", "consent_on": consent_on}


ROW_BY_ROW[ImportKind.SERVICES] = run_service_records
