"""The linkage model: one Fellegi–Sunter model, written once, run by DuckDB here and by Splink elsewhere.

Each comparison is a list of levels tried in order; the first level whose SQL condition
holds for a candidate pair gives that comparison's weight, log2(m/u), where m is the
chance that the level is seen on a true pair and u the chance on two different people.
A pair's score is the prior, log2(λ/(1-λ)), plus the weights of its levels: the log2 of
the odds that the two records are the same person. The conditions are SQL over the
columns of a candidate pair with Splink's suffixes (`name_l`, `name_r`), in the DuckDB
dialect, so `splink_settings.settings()` hands the very same model to Splink (DuckDB or
Spark) and the matcher evaluates it itself.

The m and u values are fixed, not trained: m from the error rates registrars actually
make (a mistyped digit in about one ID in twenty, a day and month swapped in about one
date in fifty, a character replaced in a few names in a hundred), u from how the values
spread over different people (about 18,000 birth dates over fifty years, hundreds of
counties, a common full name shared by one pair of strangers in several thousand).
An ID that differs in one digit, or in two adjacent digits swapped, is strong evidence:
the GB 11643 check digit catches every such error, so two valid numbers never differ
that little. Two IDs that differ more are strong evidence against.

Each agreeing level carries a reason code; a pair's reason lists the codes of the levels
it reached, joined by "+". A pair linked by the exact step has the reason `exact_id`.
"""

import math
from dataclasses import dataclass

# λ: the chance that two records drawn at random, one from each side, are the same person.
PRIOR_PROBABILITY = 2.0**-18

# Scores at or above LINK_SCORE (odds of 64 to 1, a probability of 0.985) are linked; from
# REVIEW_SCORE (even odds) up to there they go to review; below, nothing.
LINK_SCORE = 6.0
REVIEW_SCORE = 0.0

EXACT_ID_REASON = "exact_id"


@dataclass(frozen=True)
class Level:
    label: str
    sql: str  # the condition on the pair, DuckDB dialect, columns suffixed _l / _r
    m: float = 1.0
    u: float = 1.0
    reason: str = ""  # the code written in the pair's reason when this level is reached
    is_null: bool = False  # a missing value: no evidence either way (weight 0)

    @property
    def weight(self) -> float:
        return 0.0 if self.is_null else math.log2(self.m / self.u)


@dataclass(frozen=True)
class Comparison:
    column: str
    description: str
    levels: tuple[Level, ...]


def _null(column: str) -> Level:
    return Level("missing", f"{column}_l IS NULL OR {column}_r IS NULL", is_null=True)


COMPARISONS = (
    Comparison("id_number", "ID number: same, one digit off, two adjacent digits swapped, different", (
        _null("id_number"),
        Level("same", "id_number_l = id_number_r", 0.30, 1e-9, "id"),
        Level("one digit differs",
              "length(id_number_l) = length(id_number_r) AND levenshtein(id_number_l, id_number_r) = 1",
              0.55, 1e-7, "id_one_digit"),
        Level("two adjacent digits swapped", "damerau_levenshtein(id_number_l, id_number_r) = 1", 0.10, 1e-8,
              "id_transposed"),
        Level("different", "TRUE", 0.0005, 1.0),
    )),
    Comparison("name", "Name: same characters, same pinyin, one character different, different", (
        _null("name"),
        Level("same", "name_l = name_r", 0.90, 2e-4, "name"),
        Level("same pinyin", "name_pinyin_l = name_pinyin_r", 0.03, 3e-4, "name_pinyin"),
        Level("one character differs", "levenshtein(name_l, name_r) = 1", 0.05, 3e-3, "name_similar"),
        Level("close pinyin", "jaro_winkler_similarity(name_pinyin_l, name_pinyin_r) >= 0.9", 0.01, 5e-3,
              "name_pinyin_similar"),
        Level("different", "TRUE", 0.01, 0.99),
    )),
    Comparison("birth_date", "Birth date: same, day and month swapped, one digit different, different", (
        _null("birth_date"),
        Level("same", "birth_date_l = birth_date_r", 0.97, 5.5e-5, "birth_date"),
        Level("day and month swapped", "birth_date_swapped_l = birth_date_r", 0.02, 5.5e-5, "birth_date_swapped"),
        Level("one digit differs",
              "levenshtein(CAST(birth_date_l AS VARCHAR), CAST(birth_date_r AS VARCHAR)) = 1", 0.005, 2e-3,
              "birth_date_similar"),
        Level("different", "TRUE", 0.005, 0.998),
    )),
    Comparison("sex", "Sex: same, different", (
        _null("sex"),
        Level("same", "sex_l = sex_r", 0.99, 0.5, "sex"),
        Level("different", "TRUE", 0.01, 0.5),
    )),
    Comparison("county", "Household county: same, different", (
        _null("county"),
        Level("same", "county_l = county_r", 0.97, 0.01, "county"),
        Level("different", "TRUE", 0.03, 0.99),
    )),
)


def prior_weight() -> float:
    return math.log2(PRIOR_PROBABILITY / (1 - PRIOR_PROBABILITY))


# A valid ID (check digit right) on both records: seen on nearly every true pair that has one,
# shared by two different people about never (a number assigned twice, once in a trillion pairs).
EXACT_ID_M, EXACT_ID_U = 1.0, 1e-12


def exact_id_score() -> float:
    """The score written for a pair linked by the exact step: the prior and a same valid ID (about 21.9)."""
    return prior_weight() + math.log2(EXACT_ID_M / EXACT_ID_U)
