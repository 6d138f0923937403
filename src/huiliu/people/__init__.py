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
"""
