"""Linkage: finding the same person across sides and sources, even when the ID number is mistyped or missing.

The linkage app owns the matcher (`matcher.py`, pure: no Django, so it runs on plain files)
and its model (`model.py`). Rules:

- A valid ID number (GB 11643 check digit) on both records links them exactly, first.
- Everything else is compared only within blocks (two of the ID's three 6-digit parts;
  the birth date, or the date with day and month swapped, with the county, the pinyin
  initials or the surname; the name with the county and sex): never all pairs.
- A pair is scored by one Fellegi–Sunter model (fixed, documented m and u) written once
  as SQL conditions, so the same model runs in DuckDB here and on Splink (`splink_settings`)
  where a province outgrows one machine.
- Each record is in at most one pair, the best first. A pair at or above the link score is
  linked, one between the review and link scores goes to review, anything lower is dropped.
  Every pair carries its score and its reason (`exact_id`, or the fields that agreed).
- Batch work runs in DuckDB over Arrow columns, never a Python loop over records.
- Linking only finds records; it never acts on a person. What follows a link (a review, a
  call to check a conflict) is an office's task, never a sanction.

`huiliu link A.csv B.csv --out pairs.csv` runs the matcher on two files; `huiliu bench
linkage` measures it on synthetic records with known truth, beside Splink.
"""
