"""`huiliu bench linkage`: synthetic outflow and inflow records with known truth, linked and scored.

N outflow and N inflow records: 90% of each side are the same persons (the true pairs),
the rest are people seen on one side only. The inflow copy of a true pair carries the
noise registrars make: a mistyped ID digit (5%; a fifth of them two adjacent digits
swapped instead), a missing ID (3%), one character of the given name replaced (5%),
day and month swapped (2%, where the day can be a month), a missing county (2%) or sex
(1%). Persons draw realistic names from the pools given (the demo's), so strangers
sharing a name and birth date occur as they do in life.

The matcher's time is measured end to end: from the two Arrow tables in memory to the
pairs out. Splink (extra `bench`) runs the same model (`splink_settings`) on the
records left after the exact step — the way the issue frames the reference — and its
links are resolved one-to-one the same way; its F1 counts the exact pairs with its own.
Pure: no Django; the name pools are passed in (the demo app owns them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from . import model
from .matcher import Matcher

PAIR_SHARE = 0.9
ID_TYPO, ID_MISSING, NAME_TYPO, DATE_SWAP, COUNTY_MISSING, SEX_MISSING = 0.05, 0.03, 0.05, 0.02, 0.02, 0.01
_ID_WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_FIRST_DAY = np.datetime64("1955-01-01")
_DAYS = int((np.datetime64("2006-01-01") - _FIRST_DAY).astype(int))


@dataclass(frozen=True)
class NamePools:
    surnames: tuple[str, ...]  # weighted by repetition
    given: dict  # (sex "M"/"F", generation "old"/"middle"/"young") -> tuple of given names


@dataclass(frozen=True)
class Dataset:
    outflow: pa.Table
    inflow: pa.Table
    truth: pa.Table  # left_row, right_row of the true pairs


@dataclass(frozen=True)
class Score:
    seconds: float
    links: int
    reviews: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Result:
    records: int
    generation_seconds: float
    exact_pairs: int
    leftovers: int
    candidates: int
    matcher: Score
    splink: Score | None
    splink_version: str = ""


def generate(n: int, *, names: NamePools, seed: int = 1) -> Dataset:
    """N outflow and N inflow records, their true pairs, vectorised (no loop over rows)."""
    rng = np.random.default_rng(seed)
    pairs = int(n * PAIR_SHARE)
    persons = pairs + 2 * (n - pairs)
    con = duckdb.connect()

    male = rng.random(persons) < 0.5
    day = rng.integers(0, _DAYS, persons)
    born = _FIRST_DAY + day
    year = born.astype("datetime64[Y]").astype(int) + 1970
    month = born.astype("datetime64[M]").astype(int) % 12 + 1
    mday = (born - born.astype("datetime64[M]")).astype(int) + 1
    counties = _county_codes(rng)
    county = rng.integers(0, len(counties), persons)

    generation = np.where(year < 1970, 0, np.where(year < 1990, 1, 2))
    pools, offsets, sizes = [], [], []
    for sex in ("M", "F"):
        for gen in ("old", "middle", "young"):
            offsets.append(sum(len(p) for p in pools))
            pools.append(names.given[(sex, gen)])
            sizes.append(len(pools[-1]))
    group = np.where(male, 0, 3) + generation
    given_index = np.array(offsets)[group] + (rng.random(persons) * np.array(sizes)[group]).astype(np.int64)
    given_all = pa.array([g for pool in pools for g in pool])
    surname_pool = pa.array(names.surnames)
    surname = surname_pool.take(pa.array(rng.integers(0, len(surname_pool), persons)))
    given = given_all.take(pa.array(given_index))

    # The order code: spread over its range as a police station assigns it, unique within a
    # county and a day (each later person of a day takes the next code), its last digit odd for men.
    bucket = county.astype(np.int64) * _DAYS + day
    order = np.argsort(bucket, kind="stable")
    sorted_bucket = bucket[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_bucket)) + 1]
    sizes = np.diff(np.r_[starts, persons])
    rank_sorted = np.arange(persons) - np.repeat(starts, sizes)
    first_code = np.repeat(rng.integers(0, 500, len(starts)), sizes)
    rank = np.empty(persons, dtype=np.int64)
    rank[order] = (first_code + rank_sorted) % 500
    sequence = rank * 2 + male
    digits = np.empty((persons, 18), dtype=np.int64)
    code = np.array([int(c) for c in counties])[county]
    for i, value in enumerate((code // 10**5, code // 10**4, code // 10**3, code // 100, code // 10, code)):
        digits[:, i] = value % 10
    for i, (value, width) in enumerate(((year, 4), (month, 2), (mday, 2))):
        offset = 6 + (0, 4, 6)[i]
        for j in range(width):
            digits[:, offset + j] = value // 10 ** (width - 1 - j) % 10
    for j in range(3):
        digits[:, 14 + j] = sequence // 10 ** (2 - j) % 10
    id_bytes = (digits[:, :17] + 48).astype(np.uint8)
    check = _CHECK[(digits[:, :17] @ _ID_WEIGHTS) % 11]
    id_matrix = np.concatenate([id_bytes, check[:, None]], axis=1)
    id_numbers = pa.array(id_matrix.view("S18").ravel().astype(str))

    people = pa.table({
        "person": pa.array(np.arange(persons)),
        "surname": surname,
        "given": given,
        "id_number": id_numbers,
        "birth_date": pa.array(born.astype("datetime64[D]")),
        "sex": pa.array(np.where(male, "M", "F")),
        "county": pa.array(np.array(counties)[county]),
    })
    # Outflow: persons [0, pairs) and [pairs, n); inflow: [0, pairs) and [n, persons); each side shuffled.
    left_people = rng.permutation(n)
    right_people = rng.permutation(np.r_[np.arange(pairs), np.arange(n, persons)])
    noise = rng.random((6, n))
    position = rng.integers(0, 18, n)
    char_position = rng.integers(1, 3, n)
    replacement = pa.array(list("伟强军杰明华芳英兰秀娟静丽敏燕霞红玲梅雪"))
    replacement = replacement.take(pa.array(rng.integers(0, len(replacement), n)))
    con.register("people", people)
    con.register("left_people", pa.table({"row": np.arange(n), "person": left_people}))
    con.register("right_people", pa.table({
        "row": np.arange(n), "person": right_people, "p_id": noise[0], "p_name": noise[1], "p_date": noise[2],
        "p_county": noise[3], "p_sex": noise[4], "p_transposed": noise[5], "position": position,
        "char_position": char_position, "replacement": replacement,
    }))
    outflow = con.sql("""
        SELECT surname || given AS name, id_number, strftime(birth_date, '%Y-%m-%d') AS birth_date, sex, county
        FROM left_people JOIN people USING (person) ORDER BY row
    """).to_arrow_table()
    inflow = con.sql(f"""
        WITH noisy AS (
            SELECT row, p.*, r.* EXCLUDE (row, person),
                CASE WHEN p_id < {ID_TYPO} AND p_transposed < 0.2 AND position < 16
                          AND substr(id_number, position + 1, 1) <> substr(id_number, position + 2, 1)
                     THEN substr(id_number, 1, position) || substr(id_number, position + 2, 1)
                          || substr(id_number, position + 1, 1) || substr(id_number, position + 3)
                     WHEN p_id < {ID_TYPO}
                     THEN substr(id_number, 1, position)
                          || CASE WHEN substr(id_number, position + 1, 1) = 'X' THEN '0'
                                  ELSE CAST((CAST(substr(id_number, position + 1, 1) AS INTEGER) + 1 + (row % 9)) % 10
                                            AS VARCHAR) END
                          || substr(id_number, position + 2)
                     WHEN p_id < {ID_TYPO + ID_MISSING} THEN NULL
                     ELSE id_number END AS noisy_id
            FROM right_people r JOIN people p USING (person)
        )
        SELECT
            CASE WHEN p_name < {NAME_TYPO} AND length(given) >= char_position
                 THEN surname || substr(given, 1, char_position - 1) || replacement || substr(given, char_position + 1)
                 ELSE surname || given END AS name,
            noisy_id AS id_number,
            strftime(CASE WHEN p_date < {DATE_SWAP} AND day(birth_date) <= 12 AND day(birth_date) <> month(birth_date)
                          THEN make_date(year(birth_date), day(birth_date), month(birth_date))
                          ELSE birth_date END, '%Y-%m-%d') AS birth_date,
            CASE WHEN p_sex < {SEX_MISSING} THEN NULL ELSE sex END AS sex,
            CASE WHEN p_county < {COUNTY_MISSING} THEN NULL ELSE county END AS county
        FROM noisy ORDER BY row
    """).to_arrow_table()
    truth = con.sql(f"""
        SELECT l.row AS left_row, r.row AS right_row
        FROM left_people l JOIN right_people r USING (person) WHERE person < {pairs}
    """).to_arrow_table()
    return Dataset(outflow=outflow, inflow=inflow, truth=truth)


def _county_codes(rng) -> list[str]:
    """Three hundred six-digit county codes of sending and receiving provinces."""
    provinces = (37, 41, 51, 43, 36, 34, 42, 50, 52, 44, 33, 32, 35)
    codes = {f"{rng.choice(provinces)}{rng.integers(1, 18):02d}{rng.integers(1, 30):02d}" for _ in range(2000)}
    return sorted(codes)[:300]


def run_linkage_benchmark(n: int, *, names: NamePools, seed: int = 1, splink: bool = True,
                          threads: int | None = None) -> Result:
    started = time.perf_counter()
    data = generate(n, names=names, seed=seed)
    generation_seconds = time.perf_counter() - started

    con = duckdb.connect()
    if threads:
        con.sql(f"SET threads = {int(threads)}")
    started = time.perf_counter()
    matcher = Matcher(con)
    matcher.prepare(data.outflow, data.inflow)
    pairs = matcher.pairs()
    seconds = time.perf_counter() - started
    con.register("truth", data.truth)
    con.register("found", pairs)
    score = _score(con, "found", seconds)
    exact = con.sql("SELECT count(*) FROM exact_pairs").fetchall()[0][0]
    leftovers = con.sql("SELECT (SELECT count(*) FROM rest_l) + (SELECT count(*) FROM rest_r)").fetchall()[0][0]
    candidates = con.sql("SELECT count(*) FROM candidates").fetchall()[0][0]

    splink_score, version = None, ""
    if splink:
        splink_score, version = _run_splink(con)
    return Result(records=2 * n, generation_seconds=generation_seconds, exact_pairs=exact, leftovers=leftovers,
                  candidates=candidates, matcher=score, splink=splink_score, splink_version=version)


def _score(con, table: str, seconds: float) -> Score:
    links, reviews, true_links = con.sql(f"""
        SELECT count(*) FILTER (WHERE decision = 'link'), count(*) FILTER (WHERE decision = 'review'),
               count(t.left_row) FILTER (WHERE decision = 'link')
        FROM {table} f LEFT JOIN truth t USING (left_row, right_row)
    """).fetchall()[0]
    total = con.sql("SELECT count(*) FROM truth").fetchall()[0][0]
    precision = true_links / links if links else 0.0
    recall = true_links / total if total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(seconds=seconds, links=links, reviews=reviews, precision=precision, recall=recall, f1=f1)


def _run_splink(con) -> tuple[Score, str]:
    """Splink on the leftovers of the exact step, the same model, resolved one-to-one the same way."""
    import splink
    from splink import DuckDBAPI, Linker

    from .splink_settings import settings

    columns = "row, name, name_pinyin, name_initials, id_number, id_valid, birth_date, birth_date_swapped, sex, county"
    left = con.sql(f"SELECT {columns} FROM rest_l").to_arrow_table()
    right = con.sql(f"SELECT {columns} FROM rest_r").to_arrow_table()
    started = time.perf_counter()
    db_api = DuckDBAPI()
    linker = Linker(
        [db_api.register(left, dataset_display_name="outflow"), db_api.register(right, dataset_display_name="inflow")],
        settings(), log_level=None,
    )
    predictions = linker.inference.predict(threshold_match_weight=model.REVIEW_SCORE, warning_mode="never")
    scored = predictions.as_duckdbpyrelation().select(
        # Splink puts either dataset on its left: put the outflow on ours.
        "CAST(CASE WHEN source_dataset_l = 'outflow' THEN row_l ELSE row_r END AS BIGINT) AS left_row, "
        "CAST(CASE WHEN source_dataset_l = 'outflow' THEN row_r ELSE row_l END AS BIGINT) AS right_row, "
        "match_weight AS score, '' AS reason"
    ).to_arrow_table()
    resolver = Matcher(duckdb.connect())
    resolver.con.register("_splink_scored", scored)
    resolver.con.sql("CREATE TEMP TABLE scored AS SELECT * FROM _splink_scored")
    resolver.resolve()
    chosen = resolver.con.sql("SELECT left_row, right_row, score FROM chosen").to_arrow_table()
    seconds = time.perf_counter() - started
    con.register("splink_chosen", chosen)
    con.sql(f"""
        CREATE OR REPLACE TEMP TABLE splink_found AS
        SELECT left_row, right_row, 'link' AS decision FROM exact_pairs
        UNION ALL SELECT left_row, right_row,
                         CASE WHEN score >= {model.LINK_SCORE!r} THEN 'link' ELSE 'review' END FROM splink_chosen
    """)
    return _score(con, "splink_found", seconds), splink.__version__
