import datetime
import json
import uuid

from huiliu.demo.places import build_tree, tree_shape
from huiliu.demo.population import TABLES, Plan, generate
from huiliu.exchange.payloads import validate_payload

TODAY = datetime.date(2026, 3, 1)


def plan(persons=600, seed=5, **options) -> Plan:
    return Plan(persons=persons, seed=seed, today=TODAY, tree=build_tree(persons, seed),
                moved_on_note="已在新的现居住地登记", chunk_size=250, **options)


def lines_of(chunks, table) -> list[str]:
    return [line for chunk in chunks for line in chunk[table].split("\n") if chunk[table]]


def test_generation_is_a_function_of_size_seed_and_day():
    assert list(generate(plan())) == list(generate(plan()))
    assert list(generate(plan())) != list(generate(plan(seed=6)))


def test_every_line_has_one_field_a_column_and_nothing_copy_would_unescape():
    chunks = list(generate(plan(null="\\N", time_suffix="+00")))
    assert len(chunks) == 3  # 600 persons, 250 a chunk
    for table, layout in TABLES.items():
        for line in lines_of(chunks, table):
            assert len(line.split("\t")) == len(layout), table
            assert line.count("\\") == line.count("\\N"), table


def test_keys_are_random_version_4_uuids_that_come_out_in_order():
    chunks = list(generate(plan()))
    for table in TABLES:
        keys = [line.split("\t", 1)[0] for line in lines_of(chunks, table)]
        assert all(uuid.UUID(key).version == 4 for key in keys)
        assert len(set(keys)) == len(keys)
        # Ascending, but for at most one wrap from the top of the range to its bottom.
        assert sum(a > b for a, b in zip(keys, keys[1:])) <= 1, table


def test_every_message_payload_is_json_that_its_schema_takes_as_it_is():
    columns = [column for column, _nullable in TABLES["exchange_message"]]
    kinds = set()
    for line in lines_of(list(generate(plan())), "exchange_message"):
        message = dict(zip(columns, line.split("\t")))
        payload = json.loads(message["payload"])
        assert validate_payload(message["message_type"], payload) == payload
        kinds.add(message["message_type"])
    assert kinds == {"inflow_notice", "outflow_notice", "feedback"}


def test_persons_come_out_in_id_number_order():
    numbers = [line.split("\t")[3] for line in lines_of(list(generate(plan())), "people_person")]
    assert numbers == sorted(numbers)


def test_the_tree_grows_with_the_population():
    assert tree_shape(500) == ((1, 2), (1, 2))
    (townships, villages), (streets, communities) = tree_shape(1_000_000)
    assert 2000 < 12 * townships * villages < 3200
    assert 800 < 8 * streets * communities < 1500
