"""Benefit programmes: rewards owed to family-planning families, special assistance, hardship and left-behind support.

A programme belongs to an office of county level or above, which sets its amount and
its eligibility rules. Rules are drawn from a fixed list (age range, household place in
the owner's area, declared hardship); none may use a person's childbearing history to
exclude anyone, and an owner's attempt to set such a rule is refused. Each rule is
checked when the application is made and its outcome kept as notes on it.

An application is made by the village where the person's household is registered or
by the village where they live now, so a migrant is applied for at the destination
without travelling; the township reviews; an officer of county level or above in the
owner's line approves or refuses, with a reason. An approval creates exactly one
payment, paid by the programme's owner (the origin pays even when the destination
applied). Money is integer fen. The public beneficiary list of a village carries names
and amounts only: no ID number, address, phone or reason.
"""
