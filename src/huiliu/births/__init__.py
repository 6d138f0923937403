"""Birth registration (生育登记): a family's own declaration of a birth, expected or born.

Filed at the place of residence or at the household place, by the family on the
public page (no account; a tracking number comes back) or by a worker for them.
Declared facts are taken as declared: the registry is consulted and a difference
becomes a note for the worker, never a refusal; no paper is ever demanded and no
service depends on the registration. A worker of the place confirms it; the
confirmation yields a voucher (登记凭证, a one-page A4 PDF with a QR code that
verifies offline) and publishes `births.registration_confirmed`, so the other place
hears of it through the exchange and the services that follow can be offered.

The office where it was filed and both places the family named (household place
and residence) see it; only the office (or its township) confirms or withdraws it.
The family's public status page answers, to the tracking number with the last four
characters of the mother's ID number, the status and the masked name and nothing
more; both public pages are rate-limited per client address. No rule looks at the
number of children a family already has: it is recorded as declared, never judged.
"""
