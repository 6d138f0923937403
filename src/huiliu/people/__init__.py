"""Persons and their moves.

A person is one resident ID number (one row per number, validated with its check
digit; birth date and sex come from the number and must agree with what was typed).
A migration is one move: the origin's outflow registration and the destination's
inflow registration, either of which may come first; registering an arrival for a
person whose origin has an open outflow links the two at once. A move is away,
arrived, moved on, returned or lost contact; only the first two are open.

Every read goes through `accounts.scope`: a person is visible to the offices of
their household place and of their current residence, and to nobody else. An
office that once hosted a person stops seeing them when they move on.

Left-behind children and elders are listed on the departure form or later by the
household place, which alone keeps their roll and logs visits. A relative is on the
roll while a family member's move is open, a child only while under 18. The family's
destination sees on the person's page the visits' dates, ways and how the relative was
found, nothing more.
"""
