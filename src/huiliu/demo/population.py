"""The synthetic population: persons, their moves with the outflow and inflow registrations, their children,
and the exchange notices those registrations sent, with their answers.

Pure computation, no database: `generate` yields the rows chunk by chunk as lines of text
in the column order of `TABLES`, for a writer to put into the database in bulk. The same
plan (size, seed, day) always yields the same rows, identifiers and timestamps included.

The rows keep the invariants the people actions keep: valid ID numbers whose birth date
and sex agree with the person, at most one open move per person, a person's residence
that follows from their last move (away: unknown; arrived: the inflow's village;
returned: the household place), a move ended as "moved on" when the person registered
somewhere new, dates never in the future nor before birth. The notices are the ones
exchange.notices sends for each registration, sent when it was registered, with the
deadline the answer period gives; an answer, when there is one, comes later, never in
the future, and closes its notice as exchange.actions.answer_message does.

It is written for speed (a million persons, with 3.7 million rows around them and 3 million
messages, in about thirty seconds): draws are `random()` indexing into pre-expanded pools, dates are looked
up as text, whatever depends only on the birth day is worked out once per day, and the
hot loop uses local names only.
"""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass

from huiliu.exchange.models import DEFAULT_ANSWER_DAYS, MessageType
from huiliu.jurisdictions import codes

from . import names
from .places import FIRST_COUNTY_WEIGHT, DemoTree

# Each table's rows are lines of tab-separated text, COPY's text format: the columns in this
# order, NULL spelled as the plan says. Text passes between processes and into either
# database with no per-value work; generated text holds no tab, newline or backslash.
# The flag marks the columns that may be NULL. Registrations are never edited after the
# fact, so their updated_at repeats created_at.
TABLES = {
    "people_person": (
        ("id", False), ("created_at", False), ("updated_at", False), ("id_number", False), ("name", False),
        ("sex", False), ("birth_date", False), ("phone", False), ("ethnicity", False), ("education", False),
        ("household_address", False), ("residence_address", False), ("marital_status", False),
        ("spouse_name", False), ("spouse_id_number", False), ("household_jurisdiction_id", False),
        ("residence_jurisdiction_id", True),
    ),
    "people_migration": (
        ("id", False), ("created_at", False), ("updated_at", False), ("status", False), ("started_on", False),
        ("ended_on", True), ("end_note", False), ("destination_jurisdiction_id", True),
        ("origin_jurisdiction_id", False), ("person_id", False),
    ),
    "people_outflowregistration": (
        ("id", False), ("created_at", False), ("updated_at", False), ("departure_date", False),
        ("destination_address", False), ("reason", False), ("work_background", False), ("employer", False),
        ("group_liaison", False), ("group_liaison_phone", False), ("village_contact", False),
        ("contact_phone", False), ("destination_jurisdiction_id", True), ("migration_id", False),
        ("registered_by_id", True),
    ),
    "people_inflowregistration": (
        ("id", False), ("created_at", False), ("updated_at", False), ("arrival_date", False), ("address", False),
        ("residence_type", False), ("landlord_or_employer", False), ("registration_date", False),
        ("declared_name", False), ("registered_by_id", True), ("residence_jurisdiction_id", False),
        ("migration_id", False),
    ),
    "people_child": (
        ("id", False), ("created_at", False), ("updated_at", False), ("name", False), ("sex", False),
        ("birth_date", False), ("parent_id", False),
    ),
    "exchange_message": (
        ("id", False), ("message_type", False), ("sender_code", False), ("receiver_code", False),
        ("origin_deployment", False), ("person_id", True), ("payload", False), ("created_at", False),
        ("deadline", True), ("status", False), ("delivered_at", True), ("read_at", True), ("answered_at", True),
        ("in_reply_to", True), ("answer_id", True), ("sent_by_id", True), ("updated_at", False),
    ),
}
# Parents before children, so that a writer checking foreign keys as it goes never waits.
TABLE_ORDER = tuple(TABLES)
MAX_PERSONS = 10_000_000  # the sequence digits of ID numbers run out beyond this in the busiest birth days

# How a person's story ends (per mille): never left, still away, living at a destination,
# came home, contact lost, moved on to somewhere unknown.
_ENDINGS = (("home", 150), ("away", 120), ("arrived", 450), ("returned", 140), ("lost_contact", 60),
            ("moved_on", 80))
# Earlier moves before the last one: none, one, two.
_EARLIER = ((0, 72), (1, 21), (2, 7))
_AGE_WEIGHTS = ((16, 3), (18, 7), (20, 10), (25, 12), (35, 10), (45, 8), (55, 5), (60, 3), (65, 1.5), (71, 0))
_EDUCATION = {
    "old": (("90", 15), ("80", 40), ("70", 35), ("60", 8), ("30", 2)),
    "middle": (("90", 2), ("80", 15), ("70", 50), ("60", 22), ("30", 7), ("20", 4)),
    "young": (("80", 3), ("70", 35), ("60", 35), ("30", 17), ("20", 9), ("10", 1)),
}
# Marital status (GB/T 2261.2) by age band: under 20, 20-24, 25-29, 30-49, 50 and over.
_MARITAL = (
    (20, (("10", 97), ("90", 3))),
    (25, (("10", 60), ("21", 38), ("90", 2))),
    (30, (("10", 30), ("21", 66), ("22", 2), ("40", 2))),
    (50, (("10", 6), ("21", 84), ("22", 4), ("23", 1), ("40", 4), ("30", 1))),
    (200, (("10", 2), ("21", 80), ("22", 4), ("23", 1), ("40", 4), ("30", 9))),
)
_CHILDREN = {"old": ((0, 10), (1, 35), (2, 40), (3, 15)), "middle": ((0, 25), (1, 45), (2, 27), (3, 3)),
             "young": ((0, 55), (1, 38), (2, 7)), "none": ((0, 1),)}
_RESIDENCE_TYPES = (("rented", 55), ("dormitory", 25), ("relatives", 8), ("own", 5), ("other", 7))
_REASONS = (("work", 70), ("business", 10), ("family", 10), ("study", 3), ("marriage", 3), ("other", 4))
_END_NOTES = {
    "returned": ("返乡务农", "回乡创业", "返乡照顾家人", "", ""),
    "lost_contact": ("电话无法接通", "多次联系未果", "", ""),
    "moved_on": ("已离开本地，去向不明", "随用工单位迁往外地", ""),
}
# GB 11643 again, not core.identity.make_id_number: here the check sum is added up from
# parts summed once per county, birth day and sequence, since a million IDs are made at once.
# The tests validate every generated number with core.identity.validate_id_number.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_UUID_CLEAR = ~((0xC000 << 48) | (0xF000 << 64)) & (2**80 - 1)
_UUID_SET = (0x8000 << 48) | (4 << 76)
_WINDOW_DAYS = 3 * 365  # moves happen over the last three years
_RECENT_ARRIVALS = 0.03  # share of current arrivals made this month, over and above the even spread
# How offices answer the notices sent to them: most within the answer period, some late (up to
# _LATE_DAYS after the deadline), a few never. Each office keeps its own habits, between a
# quarter and seven quarters of these shares, so that offices rank differently in the rates.
_NEVER_ANSWERED = 0.04
_ANSWERED_LATE = 0.12
_LATE_DAYS = 60
# Feedback payloads (exchange.payloads.Feedback) as JSON text: an origin nearly always knows its
# person; a destination named on an outflow form often has not met them yet.
_CONFIRMED = '{"result": "confirmed", "note": ""}'
_FEEDBACK = {
    MessageType.INFLOW_NOTICE: (
        (_CONFIRMED, 24), ('{"result": "corrected", "note": "户籍地址已按户口簿更正"}', 1),
    ),
    MessageType.OUTFLOW_NOTICE: (
        (_CONFIRMED, 7), ('{"result": "unknown", "note": "尚未在本辖区找到本人，继续核查"}', 1),
    ),
}


@dataclass(frozen=True)
class Plan:
    persons: int
    seed: int
    today: datetime.date
    tree: DemoTree
    moved_on_note: str  # the note register_inflow writes when a new arrival ends a stay
    chunk_size: int = 25_000
    null: str = ""  # how the writer spells NULL in a line
    time_suffix: str = ""  # appended to timestamps, e.g. "+00" for PostgreSQL's COPY
    utc_offset_seconds: int = 8 * 3600  # of the local time zone, where office hours are kept
    # Days to answer an inflow and an outflow notice (exchange.actions.answer_days).
    inflow_answer_days: int = DEFAULT_ANSWER_DAYS[MessageType.INFLOW_NOTICE]
    outflow_answer_days: int = DEFAULT_ANSWER_DAYS[MessageType.OUTFLOW_NOTICE]


def generate(plan: Plan) -> Iterator[dict[str, str]]:
    """Yield the population's rows, `plan.chunk_size` persons (with their moves, children and notices) at a time.

    Each chunk maps a table to its lines (see TABLES), joined by newlines.
    """
    if not 0 < plan.persons <= MAX_PERSONS:
        raise ValueError(f"persons must be between 1 and {MAX_PERSONS}")
    seed = plan.seed
    rng = random.Random(f"huiliu-demo:{seed}:people")
    r = rng.random
    null = plan.null
    suffix = plan.time_suffix
    tree = plan.tree
    township_of = codes.township_of

    today_ord = plan.today.toordinal()
    month_start_ord = plan.today.replace(day=1).toordinal()
    window_start = today_ord - _WINDOW_DAYS
    # Every date the rows hold lies between the oldest birth and the last deadline: look them up as text.
    first_ord = today_ord - 72 * 366
    last_ord = today_ord + 2 + max(plan.inflow_answer_days, plan.outflow_answer_days)
    date_texts = [datetime.date.fromordinal(o).isoformat() for o in range(first_ord, last_ord)]
    # Registrations happen in office hours, local time, and are stored in UTC; today's are
    # stamped at the local midnight that began it, so that no stamp lies in the future
    # and the rows do not depend on the hour of the load.
    offset = plan.utc_offset_seconds
    times = [divmod(local - offset, 86400) for local in range(8 * 3600, 18 * 3600, 97)]
    times = [(shift, f"{rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}") for shift, rest in times]
    n_times = len(times)
    midnight_shift, midnight = divmod(-offset, 86400)
    today_stamp = (
        f"{date_texts[today_ord + midnight_shift - first_ord]} "
        f"{midnight // 3600:02d}:{midnight // 60 % 60:02d}:{midnight % 60:02d}{suffix}"
    )

    def stamp(day_ord: int) -> str:
        if day_ord == today_ord:
            return today_stamp
        shift, time_text = times[int(r() * n_times)]
        return date_texts[day_ord + shift - first_ord] + " " + time_text + suffix

    # --- pools -----------------------------------------------------------------------------
    surnames = names.SURNAME_POOL
    n_surnames = len(surnames)
    given = names.GIVEN_NAMES
    prefixes = names.MOBILE_PREFIXES
    n_prefixes = len(prefixes)

    def full_name(sex: str, generation: str) -> str:
        pool = given[(sex, generation)]
        return surnames[int(r() * n_surnames)] + pool[int(r() * len(pool))]

    def phone() -> str:
        return f"{prefixes[int(r() * n_prefixes)]}{int(r() * 100_000_000):08d}"

    endings = names.expand(_ENDINGS)
    n_endings = len(endings)
    earlier_counts = names.expand(_EARLIER)
    education = {gen: names.expand(w) for gen, w in _EDUCATION.items()}
    marital = [(upper, names.expand(w)) for upper, w in _MARITAL]
    children_counts = {gen: names.expand(w) for gen, w in _CHILDREN.items()}
    residence_types = names.expand(_RESIDENCE_TYPES)
    reasons = names.expand(_REASONS)
    jobs = names.JOBS
    rooms = [f"{floor}{flat:02d}" for floor in range(1, 19) for flat in range(1, 9)]
    end_notes = _END_NOTES
    moved_on_note = plan.moved_on_note
    married = frozenset(("21", "22", "23"))
    has_family = frozenset(("21", "22", "23", "30", "40"))

    # Places. Each sending village has its two contacts (村级责任人); each receiving county its
    # firms and group liaisons; each receiving village its buildings and landlords. People of
    # one place share these, as they do in life, and drawing one is a single index.
    # Counties in code order, so that ID numbers ascend; the first of the tree weighs more.
    sending = sorted(tree.sending, key=lambda county: county.code)
    ethnic = [
        names.expand(names.ETHNIC_WEIGHTS.get(f"{c.code:012d}"[:2], names.DEFAULT_ETHNIC_WEIGHTS)) for c in sending
    ]
    village_contacts = [
        [((full_name("M" if r() < 0.6 else "F", "middle"), phone()), (full_name("M", "middle"), phone()))
         for _village in c.villages]
        for c in sending
    ]
    receiving = tree.receiving
    destination_pool = names.expand([(i, FIRST_COUNTY_WEIGHT if i == 0 else 1) for i in range(len(receiving))])
    n_destinations = len(destination_pool)
    firms = [
        [_short_city(c.full_name) + rng.choice(names.FIRM_WORDS) + rng.choice(names.FIRM_TRADES) + "有限公司"
         for _ in range(120)]
        for c in receiving
    ]
    liaisons = [[(full_name("M", "middle"), phone()) for _ in range(30)] for _c in receiving]
    communities = [
        [(code, name,
          [f"{rng.choice(names.ROADS)}{1 + int(r() * 300)}号{1 + int(r() * 20)}栋" for _ in range(40)],
          [full_name("M" if r() < 0.6 else "F", "middle") for _ in range(12)])
         for code, name in c.villages]
        for c in receiving
    ]
    elsewhere = tree.other_destinations
    place_texts = {c.code: c.full_name for c in [*receiving, *elsewhere]}
    place_texts.update({c.city_code: c.city_full_name for c in [*receiving, *elsewhere]})

    # Birth days and their weights by age, and the counties' weights: persons come out in
    # ID-number order (county, birth date, sequence), which makes that unique index grow at its end.
    birth_days = list(range(today_ord - 71 * 365 + 1, today_ord - 16 * 365 + 1))
    last_day = len(birth_days) - 1
    day_cumulative = _cumulative([_age_weight((today_ord - b) / 365.2425) for b in birth_days])
    county_cumulative = _cumulative([FIRST_COUNTY_WEIGHT if c is tree.sending[0] else 1 for c in sending])
    last_county = len(sending) - 1
    county_digits = [f"{c.code:012d}"[:6] for c in sending]
    county_sums = [_weighted_sum(digits, 0) for digits in county_digits]
    order_texts = [f"{o:03d}" for o in range(1000)]
    order_sums = [_weighted_sum(text, 14) for text in order_texts]
    # Everything that follows from the birth day alone, worked out once per day instead of per person.
    birth_facts = []
    for born_ord in birth_days:
        birth_text = date_texts[born_ord - first_ord]
        generation = names.generation_of(int(birth_text[:4]))
        age = (today_ord - born_ord) // 365
        marital_pool = next(pool for upper, pool in marital if age < upper)
        birth_facts.append((
            born_ord, birth_text, birth_text.replace("-", ""), _weighted_sum(birth_text.replace("-", ""), 6),
            generation, marital_pool, children_counts[generation if age >= 21 else "none"],
            education[generation], max(window_start, born_ord + 16 * 365 + 4),
            given[("M", generation)], given[("F", generation)],
        ))

    # Rows a person expects in each table, with room to spare (see _ascending_ids).
    new_person_id = _ascending_ids(seed, "person", plan.persons * 1.1)
    new_migration_id = _ascending_ids(seed, "migration", plan.persons * 1.3)
    new_outflow_id = _ascending_ids(seed, "outflow", plan.persons * 1.0)
    new_inflow_id = _ascending_ids(seed, "inflow", plan.persons * 1.05)
    new_child_id = _ascending_ids(seed, "child", plan.persons * 0.85)
    positions = _ascending_uniforms(random.Random(f"huiliu-demo:{seed}:order"), plan.persons)
    notice = _notices(plan, date_texts, first_ord, times)
    inflow_notice, outflow_notice = MessageType.INFLOW_NOTICE.value, MessageType.OUTFLOW_NOTICE.value
    inflow_days, outflow_days = plan.inflow_answer_days, plan.outflow_answer_days

    persons: list[str] = []
    migrations: list[str] = []
    outflows: list[str] = []
    inflows: list[str] = []
    children: list[str] = []
    messages: list[str] = []
    showcase_pending = True
    county_index = day_index = 0
    bucket_day = bucket_county = -1

    for u in positions:
        # --- identity: county and birth day from the ascending position --------------------------
        while county_index < last_county and u >= county_cumulative[county_index]:
            county_index += 1
            day_index = 0
        low = county_cumulative[county_index - 1] if county_index else 0.0
        v = (u - low) / (county_cumulative[county_index] - low)
        while day_index < last_day and v >= day_cumulative[day_index]:
            day_index += 1
        if day_index != bucket_day or county_index != bucket_county:
            bucket_day, bucket_county = day_index, county_index
            (born_ord, birth_text, birth_compact, birth_sum, generation, marital_pool, children_pool,
             education_pool, earliest, male_names, female_names) = birth_facts[day_index]
            id_prefix = county_digits[county_index] + birth_compact
            prefix_sum = county_sums[county_index] + birth_sum
            # Sequence numbers within a day start anywhere, as real ones do, and rise with
            # each person of either sex, so that ID numbers come out in ascending order.
            sequence = int(r() * 200)
            villages = sending[county_index].villages
            contacts = village_contacts[county_index]
            n_villages = len(villages)
            ethnic_pool = ethnic[county_index]
        if r() < 0.52:
            sex, sex_digit, given_pool, spouse_pool = "M", 1, male_names, female_names
        else:
            sex, sex_digit, given_pool, spouse_pool = "F", 0, female_names, male_names
        if sequence >= 500:
            raise ValueError("too many persons born on one day in one county; choose fewer persons")
        order = sequence * 2 + sex_digit
        sequence += 1
        id_number = id_prefix + order_texts[order] + _CHECK_CHARACTERS[(prefix_sum + order_sums[order]) % 11]
        person_id = new_person_id()
        name = surnames[int(r() * n_surnames)] + given_pool[int(r() * len(given_pool))]
        household_index = int(r() * n_villages)
        household, village_name = villages[household_index]
        household_address = f"{village_name}{1 + int(r() * 9)}组{1 + int(r() * 60)}号"
        status = marital_pool[int(r() * len(marital_pool))]
        if status in married:
            spouse_name = surnames[int(r() * n_surnames)] + spouse_pool[int(r() * len(spouse_pool))]
        else:
            spouse_name = ""

        # --- the moves: their dates first, then each move's rows ---------------------------------
        ending = endings[int(r() * n_endings)] if earliest < today_ord else "home"
        residence, residence_address = household, ""
        created_ord = window_start - int(r() * 365)  # registered at home before any move
        first_stamp = updated_text = None
        if ending != "home":
            # What every notice about this person says first (exchange.payloads._AboutPerson), as JSON.
            about = (f'"id_number": "{id_number}", "name": "{name}", "sex": "{sex}", "birth_date": "{birth_text}", '
                     f'"household_code": {household}')
            open_end = ending == "away" or ending == "arrived"
            earlier = earlier_counts[int(r() * len(earlier_counts))]
            showcase = showcase_pending and ending == "arrived" and not earlier
            span = today_ord - earliest + 1
            if earlier:
                points = sorted([earliest + int(r() * span) for _ in range(2 * earlier + 2 - open_end)])
            elif open_end:
                points = [earliest + int(r() * span)]
            else:
                a, b = earliest + int(r() * span), earliest + int(r() * span)
                points = [a, b] if a <= b else [b, a]
            if showcase or (ending == "arrived" and r() < _RECENT_ARRIVALS):
                points[-1] = max(points[-1], month_start_ord + int(r() * (today_ord - month_start_ord + 1)))
            chained = False
            previous_end = earliest
            last_village = None
            for move in range(earlier + 1):
                last = move == earlier
                start = points[2 * move]
                end = None if last and open_end else points[2 * move + 1]
                chains_on = False
                if last:
                    move_status = ending
                elif r() < 0.45 and not (ending == "away" and move + 1 == earlier):
                    # Registered at a new place while still registered here: the new arrival ends this stay
                    # (so the next move is an arrival, never a departure still awaiting one).
                    move_status, chains_on = "moved_on", True
                    points[2 * move + 2] = end
                else:
                    move_status = "returned"
                # Which sides registered the move, and which first.
                if chained:
                    has_outflow, has_inflow, inflow_first = False, True, True
                elif move_status == "away":
                    has_outflow, has_inflow, inflow_first = True, False, False
                elif move_status == "arrived" or move_status == "moved_on":
                    has_inflow = True
                    inflow_first = r() < (0.3 if move_status == "arrived" else 0.25)
                    has_outflow = not inflow_first or r() < 0.33
                else:
                    has_outflow = r() < (0.85 if move_status == "returned" else 0.9)
                    has_inflow = not has_outflow or r() < (0.65 if move_status == "returned" else 0.4)
                    inflow_first = not has_outflow
                if showcase and last:
                    has_outflow, inflow_first = True, False
                limit = today_ord if end is None else end
                if inflow_first:
                    arrival = start
                    departure = max(previous_end, start - int(r() * 3))
                else:
                    departure = start
                    arrival = min(start + int(r() * 4), limit)

                migration_id = new_migration_id()
                if has_inflow:
                    if showcase and last:
                        destination_index, community = 0, communities[0][0]
                        showcase_pending = False
                    else:
                        destination_index = destination_pool[int(r() * n_destinations)]
                        places = communities[destination_index]
                        community = places[int(r() * len(places))]
                        while community[0] == last_village and len(places) > 1:
                            community = places[int(r() * len(places))]
                    village, village_name, buildings, landlords = community
                    last_village = destination = village
                    registered = min(arrival + int(r() * r() * 15), limit)
                    residence_type = residence_types[int(r() * len(residence_types))]
                    if residence_type == "dormitory":
                        landlord = firms[destination_index][int(r() * 120)]
                    elif residence_type == "rented":
                        landlord = landlords[int(r() * 12)]
                    else:
                        landlord = ""
                    address = village_name + buildings[int(r() * 40)] + rooms[int(r() * len(rooms))]
                    inflow_text = stamp(registered)
                    stamps = [inflow_text]
                    arrival_text = date_texts[arrival - first_ord]
                    inflows.append(
                        f"{new_inflow_id()}\t{inflow_text}\t{inflow_text}\t{arrival_text}\t"
                        f"{address}\t{residence_type}\t{landlord}\t{date_texts[registered - first_ord]}\t{name}\t"
                        f"{null}\t{village}\t{migration_id}"
                    )
                    # From the township of residence to the household township, as exchange.notices sends it.
                    messages.append(notice(
                        inflow_notice, township_of(village), township_of(household), person_id,
                        f'{{{about}, "residence_code": {village}, "residence_address": "{address}", '
                        f'"arrival_date": "{arrival_text}", "residence_type": "{residence_type}"}}',
                        inflow_text, registered, inflow_days,
                    ))
                else:
                    stamps = []
                    last_village = None
                    pick = r()
                    destination_index = destination_pool[int(r() * n_destinations)]
                    if pick < 0.45:
                        destination = receiving[destination_index].code
                    elif pick < 0.6:
                        destination = receiving[destination_index].city_code
                    elif pick < 0.75:
                        destination, destination_index = elsewhere[int(r() * len(elsewhere))].code, None
                    else:
                        destination, destination_index = null, None
                if has_outflow:
                    if not has_inflow:
                        outflow_destination = destination
                        outflow_ord = min(departure + int(r() * 3), limit)
                    elif inflow_first:
                        # The origin learned of the move from the destination, and registered it later.
                        outflow_destination = receiving[destination_index].code
                        outflow_ord = min(registered + int(r() * 30), limit)
                    else:
                        outflow_destination = receiving[destination_index].code if r() < 0.7 else null
                        outflow_ord = min(departure + int(r() * 3), limit)
                    if destination_index is not None and r() < 0.3:
                        liaison, liaison_phone = liaisons[destination_index][int(r() * 30)]
                    else:
                        liaison = liaison_phone = ""
                    contact, contact_phone = contacts[household_index][int(r() * 2)]
                    outflow_text = stamp(outflow_ord)
                    stamps.append(outflow_text)
                    employer = firms[destination_index][int(r() * 120)] if has_inflow and r() < 0.55 else ""
                    departure_text = date_texts[departure - first_ord]
                    destination_address = place_texts.get(outflow_destination, "")
                    reason = reasons[int(r() * len(reasons))]
                    outflows.append(
                        f"{new_outflow_id()}\t{outflow_text}\t{outflow_text}\t{departure_text}\t"
                        f"{destination_address}\t{reason}\t"
                        f"{jobs[int(r() * len(jobs))]}\t{employer}\t{liaison}\t{liaison_phone}\t{contact}\t"
                        f"{contact_phone}\t{outflow_destination}\t{migration_id}\t{null}"
                    )
                    if outflow_destination != null:
                        # From the household township to the destination's township, or to the county or
                        # city office when the form names no more than that, as exchange.notices sends it.
                        messages.append(notice(
                            outflow_notice, township_of(household), township_of(outflow_destination), person_id,
                            f'{{{about}, "departure_date": "{departure_text}", '
                            f'"destination_code": {outflow_destination}, '
                            f'"destination_address": "{destination_address}", "reason": "{reason}", '
                            f'"contact_phone": "{contact_phone}"}}',
                            outflow_text, outflow_ord, outflow_days,
                        ))
                if end is None:
                    note, ended_text = "", null
                else:
                    stamps.append(stamp(end))
                    notes = end_notes[move_status]
                    note = moved_on_note if chains_on else notes[int(r() * len(notes))]
                    ended_text = date_texts[end - first_ord]
                    previous_end = end
                if len(stamps) > 1:
                    stamps.sort()
                migrations.append(
                    f"{migration_id}\t{stamps[0]}\t{stamps[-1]}\t{move_status}\t"
                    f"{date_texts[(arrival if inflow_first else departure) - first_ord]}\t{ended_text}\t{note}\t"
                    f"{destination}\t{household}\t{person_id}"
                )
                if first_stamp is None:
                    first_stamp = stamps[0]
                    if inflow_first and r() < 0.5:
                        created_ord = registered  # first known to the registry through the arrival
                if updated_text is None or stamps[-1] > updated_text:
                    updated_text = stamps[-1]
                chained = chains_on
            # Where the person lives now follows from how the last move ended.
            if ending == "arrived":
                residence, residence_address = village, address
            elif ending == "returned":
                residence, residence_address = household, household_address
            else:
                residence, residence_address = null, ""
        created_text = stamp(created_ord)
        if first_stamp is not None and first_stamp < created_text:
            created_text = first_stamp
        if updated_text is None or updated_text < created_text:
            updated_text = created_text

        # --- children ------------------------------------------------------------------------
        if status in has_family:
            first_birth = born_ord + 20 * 365
            span = min(today_ord, born_ord + 42 * 365) - first_birth + 1
            family_surname = name[0] if sex == "M" or not spouse_name else spouse_name[0]
            for _ in range(children_pool[int(r() * len(children_pool))]):
                child_ord = first_birth + int(r() * span)
                child_sex = "M" if r() < 0.52 else "F"
                child_text = date_texts[child_ord - first_ord]
                pool = given[(child_sex, "young" if child_text >= "1990" else "middle")]
                # A newborn may not be named yet.
                child_name = family_surname + pool[int(r() * len(pool))] if child_ord < today_ord - 60 else ""
                child_stamp = stamp(child_ord)
                if child_stamp < created_text:
                    child_stamp = created_text
                children.append(f"{new_child_id()}\t{child_stamp}\t{child_stamp}\t{child_name}\t{child_sex}\t"
                                f"{child_text}\t{person_id}")

        persons.append(
            f"{person_id}\t{created_text}\t{updated_text}\t{id_number}\t{name}\t{sex}\t{birth_text}\t"
            f"{phone() if r() < 0.96 else ''}\t{ethnic_pool[int(r() * len(ethnic_pool))]}\t"
            f"{education_pool[int(r() * len(education_pool))]}\t{household_address}\t{residence_address}\t"
            f"{status}\t{spouse_name}\t\t{household}\t{residence}"
        )
        if len(persons) >= plan.chunk_size:
            yield _chunk(persons, migrations, outflows, inflows, children, messages)
            persons, migrations, outflows, inflows, children, messages = [], [], [], [], [], []
    if persons:
        yield _chunk(persons, migrations, outflows, inflows, children, messages)


def _chunk(persons, migrations, outflows, inflows, children, messages) -> dict[str, str]:
    return {
        "people_person": "\n".join(persons), "people_migration": "\n".join(migrations),
        "people_outflowregistration": "\n".join(outflows), "people_inflowregistration": "\n".join(inflows),
        "people_child": "\n".join(children), "exchange_message": "\n".join(messages),
    }


def _notices(plan: Plan, date_texts: list[str], first_ord: int, times: list[tuple[int, str]]):
    """A maker of notice lines: the notice as sent, and, when it has been answered, the feedback after it.

    Its draws come from a generator of their own, so that the notices leave the persons'
    rows as they would be without them.
    """
    rng = random.Random(f"huiliu-demo:{plan.seed}:messages")
    m = rng.random
    null, suffix = plan.null, plan.time_suffix
    today_ord = plan.today.toordinal()
    n_times = len(times)
    date_index = {text: i for i, text in enumerate(date_texts)}
    # Some 0.9 inflow and 0.65 outflow notices a person, nearly all answered: three rows a person.
    new_id = _ascending_ids(plan.seed, "message", plan.persons * 3.2)
    feedback = {kind.value: names.expand(pool) for kind, pool in _FEEDBACK.items()}
    # (never answered, never or late) by receiving township: the offices of the demo tree.
    offices = random.Random(f"huiliu-demo:{plan.seed}:offices")
    habits = {}
    for county in [*plan.tree.sending, *plan.tree.receiving]:
        for village, _name in county.villages:
            township = codes.township_of(village)
            if township not in habits:
                diligence = 0.25 + 1.5 * offices.random()
                never = _NEVER_ANSWERED * diligence
                habits[township] = (never, never + _ANSWERED_LATE * diligence)
    usual = (_NEVER_ANSWERED, _NEVER_ANSWERED + _ANSWERED_LATE)

    def notice(message_type: str, sender: int, receiver: int, person_id: str, payload: str, created: str,
               created_ord: int, days: int) -> str:
        notice_id = new_id()
        # Exactly `days` after the sending, to the second, as actions._write sets it.
        deadline = date_texts[date_index[created[:10]] + days] + created[10:]
        never, late = habits.get(receiver, usual)
        draw = m()
        if draw < never:
            answer_ord = today_ord
        elif draw < late:
            answer_ord = created_ord + days + int(m() * m() * _LATE_DAYS)
        else:
            answer_ord = created_ord + int(m() * m() * days)  # most answers come in the first days
        if answer_ord < today_ord:
            shift, time_text = times[int(m() * n_times)]
            answered = date_texts[answer_ord + shift - first_ord] + " " + time_text + suffix
            if answered <= created:  # the same day, before it came: the next day instead
                answer_ord += 1
                answered = date_texts[answer_ord + shift - first_ord] + " " + time_text + suffix
        # Answers are dated before today, so that none lies in the future whatever the hour of the load;
        # a notice whose answer would come later is still open, or overdue.
        if answer_ord >= today_ord:
            return (f"{notice_id}\t{message_type}\t{sender}\t{receiver}\t\t{person_id}\t{payload}\t{created}\t"
                    f"{deadline}\tdelivered\t{created}\t{null}\t{null}\t{null}\t{null}\t{null}\t{created}")
        answer_id = new_id()
        pool = feedback[message_type]
        return (f"{notice_id}\t{message_type}\t{sender}\t{receiver}\t\t{person_id}\t{payload}\t{created}\t"
                f"{deadline}\tanswered\t{created}\t{answered}\t{answered}\t{null}\t{answer_id}\t{null}\t{answered}\n"
                f"{answer_id}\tfeedback\t{receiver}\t{sender}\t\t{person_id}\t{pool[int(m() * len(pool))]}\t"
                f"{answered}\t{null}\tdelivered\t{answered}\t{null}\t{null}\t{notice_id}\t{null}\t{null}\t{answered}")

    return notice


def _weighted_sum(digits: str, offset: int) -> int:
    """The part of the ID check sum (GB 11643) that these digits, starting at `offset`, contribute."""
    return sum(w * int(d) for w, d in zip(_ID_WEIGHTS[offset:], digits))


def _short_city(full_name: str) -> str:
    """深圳 from 广东省深圳市宝安区 (the city's name, as firms are named)."""
    after_province = full_name.split("省", 1)[-1]
    return after_province.split("市", 1)[0][:4]


def _age_weight(age: float) -> float:
    weight = 0.0
    for lower, value in _AGE_WEIGHTS:
        if age >= lower:
            weight = value
    return weight


def _cumulative(weights) -> list[float]:
    total = float(sum(weights))
    running, out = 0.0, []
    for w in weights:
        running += w
        out.append(running / total)
    out[-1] = 1.0
    return out


def _ascending_uniforms(rng: random.Random, count: int) -> Iterator[float]:
    """`count` uniform draws from [0, 1) in ascending order, one at a time (Bentley and Saxe, 1980)."""
    r = rng.random
    current = 1.0
    for remaining in range(count, 0, -1):
        current *= r() ** (1.0 / remaining)
        yield 1.0 - current


def _ascending_ids(seed: int, table: str, expected: float):
    """A source of random version-4 UUIDs (as 32 hex digits) that come out in ascending order.

    The values are a uniform random sample, as uuid4() would give, but drawn in order:
    each index over them then grows at its end instead of splitting pages at random,
    which makes the bulk load several times faster. The top 48 bits advance by random
    steps averaging the gap of a uniform sample of the expected size, from a random
    start; when no more than `expected` come, they wrap round at most once. The other
    bits are drawn afresh.
    """
    rng = random.Random(f"huiliu-demo:{seed}:{table}-ids")
    r, getrandbits = rng.random, rng.getrandbits
    step = 2 * 2.0**48 / max(1.0, expected)
    mask, clear, fixed = 2**48 - 1, _UUID_CLEAR, _UUID_SET
    position = r() * 2.0**48

    def new_id() -> str:
        nonlocal position
        position += r() * step
        return "%032x" % ((int(position) & mask) << 80 | (getrandbits(80) & clear) | fixed)

    return new_id
