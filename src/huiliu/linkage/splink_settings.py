"""The linkage model as a Splink settings dictionary, so a province can run it on Splink (DuckDB or Spark).

`settings()` writes `model.COMPARISONS` level by level (the same SQL conditions, m and u)
and the matcher's blocking keys as Splink blocking rules (an ID key never pairs two valid
IDs: the check digit catches every single typo, so two valid numbers are two people).
Splink reads the records the matcher has normalised (`Matcher.prepare` leaves them in `rest_l` / `rest_r`: columns
`row`, `name`, `name_pinyin`, `name_initials`, `id_number`, `id_valid`, `birth_date`,
`birth_date_swapped`, `sex`, `county`), so the prior, the weights and hence the scores are
the matcher's. Nothing here imports Splink: it is an optional dependency (extra `bench`).
On Spark, Splink supplies `jaro_winkler_similarity` and `damerau_levenshtein` (its
UDF jar) and translates the DuckDB dialect of the conditions through sqlglot.
"""

from . import model

_NOT_BOTH_VALID = " AND NOT (l.id_valid AND r.id_valid)"
BLOCKING_RULES = (
    "substr(l.id_number, 1, 12) = substr(r.id_number, 1, 12)" + _NOT_BOTH_VALID,
    "substr(l.id_number, 1, 6) = substr(r.id_number, 1, 6) AND substr(l.id_number, 13, 6) = substr(r.id_number, 13, 6)"
    + _NOT_BOTH_VALID,
    "substr(l.id_number, 7, 12) = substr(r.id_number, 7, 12)" + _NOT_BOTH_VALID,
    "l.name = r.name AND l.county = r.county AND l.sex = r.sex",
    "l.birth_date = r.birth_date AND l.county = r.county",
    "l.birth_date = r.birth_date AND l.name_initials = r.name_initials",
    "l.birth_date = r.birth_date AND substr(l.name, 1, 1) = substr(r.name, 1, 1)",
    "l.birth_date_swapped = r.birth_date AND l.county = r.county",
    "l.birth_date_swapped = r.birth_date AND l.name_initials = r.name_initials",
    "l.birth_date_swapped = r.birth_date AND substr(l.name, 1, 1) = substr(r.name, 1, 1)",
)


def settings(*, link_type: str = "link_only") -> dict:
    """The Splink settings dictionary of the model (Splink 4/5 format, DuckDB dialect)."""
    return {
        "link_type": link_type,
        "unique_id_column_name": "row",
        "sql_dialect": "duckdb",
        "probability_two_random_records_match": model.PRIOR_PROBABILITY,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in BLOCKING_RULES
        ],
        "comparisons": [_comparison(c) for c in model.COMPARISONS],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }


def _comparison(comparison: model.Comparison) -> dict:
    levels = []
    for level in comparison.levels:
        entry = {
            "sql_condition": "ELSE" if level.sql == "TRUE" else level.sql,
            "label_for_charts": level.label,
        }
        if level.is_null:
            entry["is_null_level"] = True
        else:
            entry["m_probability"] = level.m
            entry["u_probability"] = level.u
        levels.append(entry)
    return {
        "output_column_name": comparison.column,
        "comparison_description": comparison.description,
        "comparison_levels": levels,
    }
