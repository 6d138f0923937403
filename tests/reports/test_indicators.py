"""The catalogue: names and definitions translated when shown, rates built from two counts, no birth figure a
target."""

import re

from django.utils import translation

from huiliu.reports.indicators import ASSESSABLE, CATALOGUE, COUNT, RATE


def test_names_and_definitions_made_of_parts_are_translated_when_shown_not_at_import():
    with translation.override("en"):
        english = {code: (str(i.name), str(i.definition)) for code, i in CATALOGUE.items()}
    with translation.override("zh-hans"):
        chinese = {code: (str(i.name), str(i.definition)) for code, i in CATALOGUE.items()}

    assert english["away_male"][0] == "Persons away·male"
    assert english["present_married_women_15_49"][1].startswith("Persons present on the last day of the period")
    for code in ("away_male", "away_age_15_49", "present_married_women_15_49", "present_never_married"):
        name, definition = chinese[code]
        assert not re.search(r"[A-Za-z]", name), name
        assert not re.search(r"[A-Za-z]", definition), definition


def test_a_rate_is_built_from_two_counts_of_the_catalogue():
    for indicator in CATALOGUE.values():
        if indicator.kind == RATE:
            assert CATALOGUE[indicator.numerator].kind == CATALOGUE[indicator.denominator].kind == COUNT


def test_no_figure_of_births_is_ever_an_assessment_target():
    assert ASSESSABLE and not any("birth" in code for code in ASSESSABLE)
    assert all(CATALOGUE[code].kind == RATE for code in ASSESSABLE)
