"""Census reconciliation: each line of a census roll classified against the registry.

Matched: registered as living in the census area, at the village, address and phone
found (those the roll gives). Changed: registered as living there, but the address or
phone found differ: a proposed update. New: not registered, or registered as living
elsewhere: a proposed arrival, for review. Registered but not found: registered as
living in the area and absent from the roll: a proposed follow-up, which is a check of
the record with the household and the person, never a pursuit. Lines with a bad ID
number, a place outside the census area, or a name that differs from the one
registered with the number are reported as problems, like an import's.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from huiliu.core.errors import ValidationFailed
from huiliu.core.identity import validate_phone
from huiliu.jurisdictions import codes
from huiliu.people.models import Person

from .checking import _duplicates, _stripped, check_id_numbers, parse_code
from .columns import Table
from .models import EntryKind


@dataclass
class Reconciled:
    entries: list[dict] = field(default_factory=list)  # CensusEntry fields
    problems: list[tuple[int, str, str]] = field(default_factory=list)


def reconcile(table: Table, columns: dict[str, str], *, area: int, today) -> Reconciled:
    result = Reconciled()
    problems = result.problems
    rows = table.row_count

    def column(name):
        return _stripped(table.column(columns.get(name)), rows)

    numbers, _births = check_id_numbers(column("id_number"), today, problems)
    _duplicates(numbers, table.lines, problems)
    names, places, addresses = column("name"), column("residence_code"), column("address")
    phones, households = column("phone"), column("household_code")
    low, high = codes.subtree_range(area)
    registered = Person.objects.in_bulk([n for n in numbers if n], field_name="id_number")
    seen = set()
    for index in range(rows):
        before = len(problems)
        if not names[index]:
            problems.append((index, "name", _("This field is required.")))
        place = parse_code(places[index])
        if place is None:
            problems.append((index, "residence_code", _("A division code has 12 digits.")))
        elif not low <= place <= high:
            problems.append((index, "residence_code", _("The place is outside the census area.")))
        phone = phones[index]
        if phone:
            try:
                phone = validate_phone(phone)
            except ValidationFailed as failure:
                problems.append((index, "phone", failure.errors["phone"][0]))
        person = registered.get(numbers[index])
        if person is not None and person.name != names[index]:
            problems.append((index, "name", _("The name differs from the one registered with this ID number. Check the ID card.")))
        if any(i == index for i, _f, _m in problems[before:]) or any(i == index for i, _f, _m in problems[:before]):
            continue
        entry = {"line": table.lines[index], "id_number": numbers[index], "name": names[index], "residence_code": place,
                 "address": addresses[index], "phone": phone, "household_code": parse_code(households[index]),
                 "person": person, "changes": {}}
        lives_here = person is not None and person.residence_jurisdiction_id is not None and \
            low <= person.residence_jurisdiction_id <= high
        if person is None or not lives_here or person.residence_jurisdiction_id != place:
            entry["kind"] = EntryKind.NEW
        else:
            seen.add(person.pk)
            for name, found in (("residence_address", addresses[index]), ("phone", phone)):
                if found and found != getattr(person, name):
                    entry["changes"][name] = [getattr(person, name), found]
            entry["kind"] = EntryKind.CHANGED if entry["changes"] else EntryKind.MATCHED
        if person is not None:
            seen.add(person.pk)
        result.entries.append(entry)
    missing = (Person.objects.filter(residence_jurisdiction_id__gte=low, residence_jurisdiction_id__lte=high)
               .exclude(pk__in=seen).order_by("residence_jurisdiction_id", "name"))
    for person in missing.iterator(chunk_size=2000):
        result.entries.append({"line": None, "id_number": person.id_number, "name": person.name,
                               "residence_code": person.residence_jurisdiction_id, "address": person.residence_address,
                               "phone": person.phone, "household_code": person.household_jurisdiction_id,
                               "person": person, "changes": {}, "kind": EntryKind.NOT_FOUND})
    return result
