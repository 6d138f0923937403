"""Demo data and benchmarks: a deterministic synthetic population over real counties,
with the exchange notices its registrations sent and their answers, written in bulk,
and the `huiliu bench` figures measured on it.

It sits above every domain app and writes its rows directly in bulk (never through
model instances), because a million persons must load in well under two minutes;
what it writes obeys the same invariants the actions keep.
"""
