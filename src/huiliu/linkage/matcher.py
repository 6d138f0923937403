"""Find the same person in two tables of records: exact on a valid ID, then blocked and scored.

Pure: no Django. Input: two Arrow tables (or DuckDB relations) with any of the standard
columns `name`, `id_number`, `birth_date`, `sex`, `county` (a missing column counts as
empty). Output: an Arrow table of pairs `left_row`, `right_row` (0-based positions in the
inputs), `score`, `decision` ("link" or "review") and `reason`; each record is in at
most one pair. `find_duplicates` runs the same steps on one table against itself.

All batch work runs in DuckDB over columns, fed through Arrow. Python touches only the
distinct characters of the names (their pinyin, a few thousand), and hands the candidate
pairs' columns to rapidfuzz for the edit distances (C++, over whole columns).

1. Exact step: ID numbers cleaned (spaces, full-width digits, a lower-case x); a valid ID
   passes the GB 11643 check digit and is known by its first 17 digits as an integer;
   records with the same valid ID are paired (the k-th occurrence on one side with the
   k-th on the other, so repeated IDs stay one-to-one).
2. The records left over are normalised: dates read from the usual spellings (or taken
   from a valid ID), sex as M/F (or from a valid ID), the county as its first six digits,
   the name's pinyin and initials.
3. Blocking: an ID of 18 characters gives three keys, each two of its three 6-digit
   parts, so any single mistyped digit leaves one key whole (an ID key never pairs two
   valid IDs: the check digit catches every single typo); the birth date (and on the left
   side the date with day and month swapped) gives keys with the county, with the pinyin
   initials and with the surname; the name gives a key with the county and sex. Only
   pairs sharing a key are compared; a key shared by more than `max_block_pairs` pairs is
   dropped, so no block grows quadratic.
4. Scoring by `model.COMPARISONS` (Fellegi–Sunter weights), the reason built from the
   levels reached.
5. One-to-one: repeatedly keep the pairs that are best for both of their records and
   drop every other pair of those records — the same result as taking pairs greedily,
   best score first.
6. Thresholds: `LINK_SCORE` and above is linked, `REVIEW_SCORE` up to there goes to
   review, below is dropped.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
from pypinyin import Style, lazy_pinyin
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from . import model

COLUMNS = ("name", "id_number", "birth_date", "sex", "county")
MAX_BLOCK_PAIRS = 10_000
_FULL_WIDTH = "０１２３４５６７８９ｘＸ"
_HALF_WIDTH = "0123456789XX"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_DATE_FORMATS = "['%Y-%m-%d', '%Y%m%d', '%Y/%m/%d', '%Y.%m.%d', '%Y年%m月%d日', '%Y-%m-%d %H:%M:%S']"

_SYLLABLES = pa.schema([("ch", pa.string()), ("syllable", pa.string())])
PAIR_SCHEMA = pa.schema([
    ("left_row", pa.int64()),
    ("right_row", pa.int64()),
    ("score", pa.float64()),
    ("decision", pa.string()),
    ("reason", pa.string()),
])


def link_tables(left, right, *, link_score: float = model.LINK_SCORE, review_score: float = model.REVIEW_SCORE,
                max_block_pairs: int = MAX_BLOCK_PAIRS, connection: duckdb.DuckDBPyConnection | None = None,
                ) -> pa.Table:
    """Pairs of records (one from each table) judged the same person, best first within each decision."""
    con = connection or duckdb.connect()
    matcher = Matcher(con, max_block_pairs=max_block_pairs)
    matcher.prepare(left, right)
    return matcher.pairs(link_score=link_score, review_score=review_score)


def find_duplicates(table, *, link_score: float = model.LINK_SCORE, review_score: float = model.REVIEW_SCORE,
                    max_block_pairs: int = MAX_BLOCK_PAIRS, connection: duckdb.DuckDBPyConnection | None = None,
                    ) -> pa.Table:
    """Pairs of records of one table judged the same person (`left_row` < `right_row`), e.g. inside a registry.

    The same steps with the table on both sides, except that a record is never paired with
    itself and is not limited to one pair: three records of one person give three pairs (a
    valid ID repeated pairs each later record with its first one), for review to merge.
    """
    con = connection or duckdb.connect()
    matcher = Matcher(con, max_block_pairs=max_block_pairs)
    matcher.prepare_one(table)
    return matcher.pairs(link_score=link_score, review_score=review_score)


class Matcher:
    """The steps of one linkage on one DuckDB connection, each a table others can read (the benchmark does)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, max_block_pairs: int = MAX_BLOCK_PAIRS):
        self.con = con
        self.max_block_pairs = max_block_pairs
        self.one_table = False
        con.sql("SET enable_progress_bar = false")

    def prepare(self, left, right) -> None:
        """Pair the valid IDs exactly, then normalise the records left over, with their names' pinyin."""
        con = self.con
        tables = {}
        for side, table in (("l", left), ("r", right)):
            tables[side] = _standard_columns(_as_arrow(table))
            con.register(f"_in_{side}", tables[side])
            # A valid ID is known by its first 17 digits (the 18th follows): an integer joins fast.
            con.sql(f"""
                CREATE OR REPLACE TEMP TABLE valid_{side} AS
                SELECT row, id_body FROM ({_ids_sql(f"(SELECT row, id_number FROM _in_{side})")}) WHERE id_valid
            """)
        # An ID twice on a side (a duplicate registration) pairs its k-th record with the k-th on the
        # other side; such IDs are few, so only they are numbered.
        con.sql("""
            CREATE OR REPLACE TEMP TABLE exact_pairs AS
            WITH joined AS (
                SELECT l.row AS left_row, r.row AS right_row, id_body FROM valid_l l JOIN valid_r r USING (id_body)
            ), repeated AS (
                SELECT id_body FROM joined GROUP BY id_body HAVING count(*) > 1
            ), l AS (
                SELECT left_row, id_body, row_number() OVER (PARTITION BY id_body ORDER BY left_row) AS k
                FROM (SELECT DISTINCT left_row, id_body FROM joined SEMI JOIN repeated USING (id_body))
            ), r AS (
                SELECT right_row, id_body, row_number() OVER (PARTITION BY id_body ORDER BY right_row) AS k
                FROM (SELECT DISTINCT right_row, id_body FROM joined SEMI JOIN repeated USING (id_body))
            )
            SELECT left_row, right_row FROM joined ANTI JOIN repeated USING (id_body)
            UNION ALL SELECT left_row, right_row FROM l JOIN r USING (id_body, k)
        """)
        for side, column in (("l", "left_row"), ("r", "right_row")):
            con.unregister(f"_in_{side}")
            # The records left over, taken out of the Arrow table by position (no join over all rows).
            table = tables[side]
            linked = con.sql(f"SELECT {column} FROM exact_pairs").to_arrow_table().column(0).to_numpy()
            left_over = np.ones(table.num_rows, dtype=bool)
            left_over[linked] = False
            con.register(f"_rest_{side}", table.take(pa.array(np.flatnonzero(left_over))))
            con.sql(f"CREATE OR REPLACE TEMP TABLE rest_{side} AS {_normalise_sql(f'_rest_{side}')}")
            con.unregister(f"_rest_{side}")
        self._add_pinyin()

    def prepare_one(self, table) -> None:
        """Normalise one table for finding its duplicates: a repeated valid ID pairs exactly, the rest is scored."""
        con = self.con
        self.one_table = True
        con.register("_in_one", _standard_columns(_as_arrow(table)))
        con.sql(f"CREATE OR REPLACE TEMP TABLE rest_l AS {_normalise_sql('_in_one')}")
        con.unregister("_in_one")
        con.sql("""
            CREATE OR REPLACE TEMP TABLE exact_pairs AS
            SELECT left_row, right_row FROM (
                SELECT min(row) OVER (PARTITION BY id_body) AS left_row, row AS right_row FROM rest_l WHERE id_valid
            ) WHERE left_row < right_row
        """)
        self._add_pinyin()
        con.sql("CREATE OR REPLACE TEMP TABLE rest_r AS SELECT * FROM rest_l")

    def _add_pinyin(self) -> None:
        """Each name's pinyin and initials: pypinyin per distinct character, joined up in DuckDB."""
        con = self.con
        characters = con.sql(f"""
            SELECT DISTINCT unnest(string_split(name, '')) AS ch FROM ({self._names_sql()}) WHERE name IS NOT NULL
        """).to_arrow_table().column(0).to_pylist()
        syllables = [(lazy_pinyin(ch, style=Style.NORMAL, errors="default") or [ch])[0].lower() for ch in characters]
        con.register("_syllables", pa.table({"ch": characters, "syllable": syllables}, schema=_SYLLABLES))
        con.sql(f"""
            CREATE OR REPLACE TEMP TABLE _names AS
            SELECT DISTINCT name FROM ({self._names_sql()}) WHERE name IS NOT NULL
        """)
        longest = min(con.sql("SELECT coalesce(max(length(name)), 0) FROM _names").fetchall()[0][0], 40)
        # One join on the characters at each position: far faster than an ordered string_agg.
        joins = " ".join(f"LEFT JOIN _syllables s{i} ON s{i}.ch = substr(name, {i}, 1)" for i in range(1, longest + 1))
        full = " || ".join(f"coalesce(s{i}.syllable, '')" for i in range(1, longest + 1)) or "''"
        initials = " || ".join(f"coalesce(left(s{i}.syllable, 1), '')" for i in range(1, longest + 1)) or "''"
        con.sql(f"""
            CREATE OR REPLACE TEMP TABLE _pinyin AS
            SELECT name, {full} AS name_pinyin, {initials} AS name_initials FROM _names {joins}
        """)
        con.unregister("_syllables")
        for side in ("l",) if self.one_table else ("l", "r"):
            con.sql(f"""
                CREATE OR REPLACE TEMP TABLE rest_{side} AS
                SELECT rest_{side}.*, p.name_pinyin, p.name_initials
                FROM rest_{side} LEFT JOIN _pinyin p USING (name)
            """)

    def _names_sql(self) -> str:
        return "SELECT name FROM rest_l" if self.one_table else "SELECT name FROM rest_l UNION ALL SELECT name FROM rest_r"

    def candidates(self) -> None:
        """Pairs of leftover records sharing a blocking key (none of a block too large)."""
        con = self.con
        for side in ("l", "r"):
            con.sql(f"CREATE OR REPLACE TEMP TABLE keys_{side} AS {_keys_sql(f'rest_{side}', swapped=side == 'l')}")
        con.sql(f"""
            CREATE OR REPLACE TEMP TABLE candidates AS
            WITH sizes AS (
                SELECT key FROM (SELECT key, count(*) AS n FROM keys_l GROUP BY key) a
                JOIN (SELECT key, count(*) AS n FROM keys_r GROUP BY key) b USING (key)
                WHERE a.n * b.n <= {int(self.max_block_pairs)}
            )
            SELECT DISTINCT kl.row AS row_l, kr.row AS row_r
            FROM keys_l kl JOIN sizes USING (key) JOIN keys_r kr USING (key)
            WHERE NOT (kl.valid_id AND kr.valid_id) {"AND kl.row < kr.row" if self.one_table else ""}
        """)

    def score(self, *, review_score: float) -> None:
        """Score every candidate pair; keep those at or above the review threshold."""
        con = self.con
        cols = ("row", "name", "name_pinyin", "id_number", "birth_date", "birth_date_swapped", "sex", "county")
        select = ", ".join(f"{s}.{c} AS {c}_{s}" for s in ("l", "r") for c in cols)
        pairs = con.sql(f"""
            SELECT {select} FROM candidates c
            JOIN rest_l l ON l.row = c.row_l JOIN rest_r r ON r.row = c.row_r
        """).to_arrow_table()
        pairs, substitutions = _with_edit_tests(pairs)
        con.register("_pairs", pairs)
        gammas = ", ".join(f"{_gamma_sql(c, substitutions)} AS gamma_{c.column}" for c in model.COMPARISONS)
        weights = " + ".join(
            f"[{', '.join(repr(level.weight) for level in c.levels)}][gamma_{c.column}]" for c in model.COMPARISONS
        )
        reasons = ", ".join(
            f"[{', '.join(repr(level.reason) if level.reason else 'NULL' for level in c.levels)}][gamma_{c.column}]"
            for c in model.COMPARISONS
        )
        con.sql(f"""
            CREATE OR REPLACE TEMP TABLE scored AS
            WITH levels AS (SELECT row_l, row_r, {gammas} FROM _pairs)
            SELECT row_l AS left_row, row_r AS right_row, score, reason FROM (
                SELECT row_l, row_r, round({model.prior_weight()!r} + {weights}, 4) AS score,
                       concat_ws('+', {reasons}) AS reason
                FROM levels
            ) WHERE score >= {float(review_score)!r}
        """)
        con.unregister("_pairs")

    def resolve(self) -> None:
        """One pair per record at most: mutual best pairs, round after round (greedy, best first)."""
        con = self.con
        con.sql("CREATE OR REPLACE TEMP TABLE chosen AS SELECT * FROM scored LIMIT 0")
        con.sql("CREATE OR REPLACE TEMP TABLE open_pairs AS SELECT * FROM scored")
        while True:
            added = con.execute("""
                INSERT INTO chosen
                SELECT left_row, right_row, score, reason FROM (
                    SELECT *,
                        row_number() OVER (PARTITION BY left_row
                                           ORDER BY score DESC, right_row) AS best_l,
                        row_number() OVER (PARTITION BY right_row
                                           ORDER BY score DESC, left_row) AS best_r
                    FROM open_pairs
                ) WHERE best_l = 1 AND best_r = 1
            """).fetchall()[0][0]
            if not added:
                break
            con.sql("""
                CREATE OR REPLACE TEMP TABLE open_pairs AS
                SELECT * FROM open_pairs o
                WHERE NOT EXISTS (SELECT 1 FROM chosen c WHERE c.left_row = o.left_row)
                  AND NOT EXISTS (SELECT 1 FROM chosen c WHERE c.right_row = o.right_row)
            """)
            if not con.sql("SELECT count(*) FROM open_pairs").fetchall()[0][0]:
                break

    def pairs(self, *, link_score: float = model.LINK_SCORE, review_score: float = model.REVIEW_SCORE) -> pa.Table:
        self.candidates()
        self.score(review_score=review_score)
        if self.one_table:
            # Records with the same valid ID are paired already; every other pair stays (no one-to-one).
            self.con.sql("""
                CREATE OR REPLACE TEMP TABLE chosen AS
                SELECT s.* FROM scored s JOIN rest_l a ON a.row = s.left_row JOIN rest_l b ON b.row = s.right_row
                WHERE NOT (a.id_valid AND b.id_valid AND a.id_body = b.id_body)
            """)
        else:
            self.resolve()
        return self.con.sql(f"""
            SELECT left_row, right_row, score,
                   CASE WHEN score >= {float(link_score)!r} THEN 'link' ELSE 'review' END AS decision, reason
            FROM (
                SELECT left_row, right_row, {model.exact_id_score()!r} AS score, '{model.EXACT_ID_REASON}' AS reason
                FROM exact_pairs
                UNION ALL SELECT left_row, right_row, score, reason FROM chosen
            ) ORDER BY left_row, right_row
        """).to_arrow_table().cast(PAIR_SCHEMA)


def _as_arrow(table) -> pa.Table:
    if isinstance(table, duckdb.DuckDBPyRelation):
        table = table.to_arrow_table()
    if not isinstance(table, pa.Table):
        raise TypeError("link_tables takes Arrow tables or DuckDB relations")
    return table


def _standard_columns(table: pa.Table) -> pa.Table:
    """`row` (the position, from 0) and the standard columns as strings (a missing one all empty)."""
    columns = {"row": pa.array(np.arange(table.num_rows, dtype=np.int64))}
    for column in COLUMNS:
        if column in table.column_names:
            columns[column] = table.column(column).cast(pa.string())
        else:
            columns[column] = pa.nulls(table.num_rows, pa.string())
    return pa.table(columns)


def _check_digit_sql(number: str) -> str:
    """The GB 11643 check digit of the 17 digits in the BIGINT `number` (integer arithmetic: no substrings)."""
    terms = " + ".join(f"({number} // {10 ** (16 - i)}) % 10 * {w}" for i, w in enumerate(_ID_WEIGHTS))
    return f"substr('10X98765432', CAST(({terms}) % 11 AS INTEGER) + 1, 1)"


def _ids_sql(source: str) -> str:
    """The source with its ID number cleaned, `id_body` (the first 17 digits as an integer) and `id_valid`."""
    # A value already clean (nearly all) skips the costly cleaning: regular expressions, translate.
    cleaned = (f"nullif(upper(translate(regexp_replace(id_number, '\\s', '', 'g'), '{_FULL_WIDTH}', '{_HALF_WIDTH}')),"
               " '')")
    return f"""
        WITH marked AS (
            SELECT *, regexp_full_match(id_number, '[0-9]{{17}}[0-9X]') AS id_plain FROM {source}
        ), cleaned AS (
            SELECT * EXCLUDE (id_plain) REPLACE (CASE WHEN id_plain THEN id_number ELSE {cleaned} END AS id_number),
                CASE WHEN id_plain THEN TRUE ELSE regexp_full_match({cleaned}, '[0-9]{{17}}[0-9X]') END AS id_digits
            FROM marked
        ), bodies AS (
            SELECT * EXCLUDE (id_digits),
                CASE WHEN id_digits THEN TRY_CAST(left(id_number, 17) AS BIGINT) END AS id_body
            FROM cleaned
        )
        SELECT *, coalesce(right(id_number, 1) = {_check_digit_sql('id_body')}, FALSE) AS id_valid FROM bodies
    """


def _normalise_sql(source: str) -> str:
    return f"""
        WITH raw AS (
            SELECT row, id_number, id_body, id_valid,
                CASE WHEN regexp_matches(name, '\\s|·|•') THEN nullif(regexp_replace(name, '\\s|·|•', '', 'g'), '')
                     ELSE nullif(name, '') END AS name,
                nullif(trim(birth_date), '') AS birth_text,
                upper(trim(sex)) AS sex_text,
                CASE WHEN regexp_full_match(county, '[0-9]{{6}}') THEN county
                     ELSE nullif(substr(regexp_replace(county, '[^0-9]', '', 'g'), 1, 6), '') END AS county
            FROM ({_ids_sql(source)})
        ), dated AS (
            SELECT row, name, id_number, id_body, id_valid, county,
                coalesce(try_strptime(birth_text, {_DATE_FORMATS})::DATE,
                         CASE WHEN id_valid THEN try_strptime(substr(id_number, 7, 8), '%Y%m%d')::DATE END)
                    AS birth_date,
                CASE WHEN sex_text IN ('M', '男', '男性', '1', 'MALE') THEN 'M'
                     WHEN sex_text IN ('F', '女', '女性', '2', 'FEMALE') THEN 'F'
                     WHEN id_valid THEN CASE WHEN id_body % 2 = 1 THEN 'M' ELSE 'F' END
                END AS sex
            FROM raw
        )
        SELECT *, CASE WHEN day(birth_date) <= 12 AND day(birth_date) <> month(birth_date)
                       THEN make_date(year(birth_date), day(birth_date), month(birth_date)) END AS birth_date_swapped
        FROM dated
    """


def _keys_sql(source: str, *, swapped: bool) -> str:
    """(row, key, valid_id) for every blocking key of every record; the left side adds its dates swapped.

    `valid_id` is true on the ID keys of a valid ID: two valid IDs never differ by one typo
    (the check digit would have caught it), so an ID key never pairs two of them.
    """
    full_id = "length(id_number) = 18"
    keys = [
        ("i12", "substr(id_number, 1, 12)", full_id),
        ("i13", "substr(id_number, 1, 6), substr(id_number, 13, 6)", full_id),
        ("i23", "substr(id_number, 7, 12)", full_id),
        ("nc", "name, county, sex", "name IS NOT NULL AND county IS NOT NULL"),
    ]
    for date in ("birth_date", "birth_date_swapped") if swapped else ("birth_date",):
        keys += [
            ("dc", f"{date}, county", f"{date} IS NOT NULL AND county IS NOT NULL"),
            ("dn", f"{date}, name_initials", f"{date} IS NOT NULL AND name_initials IS NOT NULL"),
            ("ds", f"{date}, substr(name, 1, 1)", f"{date} IS NOT NULL AND name IS NOT NULL"),
        ]
    return " UNION ALL ".join(
        f"SELECT row, hash('{tag}', {values}) AS key, {'id_valid' if tag.startswith('i') else 'FALSE'} AS valid_id "
        f"FROM {source} WHERE {condition}"
        for tag, values, condition in keys
    )


# Edit-distance tests of the model that rapidfuzz runs over whole columns, far faster than the
# SQL functions row by row; each gives the same truth value as its SQL (a distance of exactly 1
# is one edit, whether transpositions count as one edit anywhere or only between neighbours).
_EDIT_TESTS = {
    "levenshtein(id_number_l, id_number_r) = 1": ("id_number", Levenshtein),
    "damerau_levenshtein(id_number_l, id_number_r) = 1": ("id_number", OSA),
    "levenshtein(name_l, name_r) = 1": ("name", Levenshtein),
    "levenshtein(CAST(birth_date_l AS VARCHAR), CAST(birth_date_r AS VARCHAR)) = 1": ("birth_date", Levenshtein),
}


def _with_edit_tests(pairs: pa.Table) -> tuple[pa.Table, dict[str, str]]:
    """The pairs with one boolean column per edit test the model uses, and the SQL each column replaces."""
    substitutions, texts = {}, {}
    used = {sql for c in model.COMPARISONS for level in c.levels for sql in _EDIT_TESTS if sql in level.sql}
    for i, sql in enumerate(sorted(used)):
        column, metric = _EDIT_TESTS[sql]
        for side in ("l", "r"):
            if (column, side) not in texts:
                values = pairs.column(f"{column}_{side}").cast(pa.string()).fill_null("")
                texts[column, side] = values.to_pylist()
        distance = process.cpdist(texts[column, "l"], texts[column, "r"], scorer=metric.distance,
                                  score_cutoff=1, workers=-1)
        pairs = pairs.append_column(f"_edit_{i}", pa.array(distance == 1))
        substitutions[sql] = f"_edit_{i}"
    return pairs, substitutions


def _gamma_sql(comparison: model.Comparison, substitutions: dict[str, str] | None = None) -> str:
    """The 1-based index of the first level whose condition holds (DuckDB lists are 1-based)."""
    cases = []
    for i, level in enumerate(comparison.levels, start=1):
        condition = level.sql
        for sql, column in (substitutions or {}).items():
            condition = condition.replace(sql, column)
        cases.append(f"WHEN {condition} THEN {i}")
    return f"(CASE {' '.join(cases)} END)"
