"""Grievances: complaints (投诉), suggestions (建议) and rights-protection requests (维权), and forums (座谈会).

A grievance is filed by the public on a page without an account, by staff for a person
(optionally linked to the registry's record of that person, when it is in their area), or
raised at a forum. It concerns a township or village, and its owner unit, the office that
answers for it, is that place's township; an officer of county level or above may hand it
to another county or township office of their subtree. It gets a deadline (the filing day
plus the days of its kind: 15 for complaints and rights-protection requests, 30 for
suggestions, or what HUILIU_GRIEVANCE_DAYS sets) and a status: received, in progress,
resolved (with what was done) or closed unresolved (with the reason). Overdue is derived:
still open after the deadline day, never stored. Only the owner unit's line acts on it.

Name and phone are optional (anonymous complaints and suggestions are welcome), except
that a rights-protection request needs a phone, so the office can act with the person.
Staff of the place see a grievance too, except a complaint about the misconduct of
staff: only the owner unit's line sees that one.

The person gets a readable tracking number and a six-digit check code (stored only as a
keyed hash). With both, the public tracking page shows the kind, status, filed date,
deadline and the date it was closed, never the text, name, phone, staff or resolution;
a wrong code answers as an unknown number, every check is audited, rate-limited per
client address and limited in failed guesses per number. A forum records when, where,
who hosted and who came; each suggestion raised becomes a grievance of kind suggestion,
in the same transaction. Every write is one transaction with its audit row, which never
holds the text, the name or the phone.
"""
