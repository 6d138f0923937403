"""Readable document numbers: the office's division code, the year and a sequence, never reused."""

from django.db import transaction

from .models import DocumentSequence

# A letter per kind, so a family's tracking number never reads like the voucher that confirms it.
KIND_LETTERS = {"birth_reg": "S", "voucher": "P", "certificate": "Z", "grievance": "G"}


def next_document_number(*, jurisdiction_code: int, kind: str, year: int) -> str:
    """Take the next number of this kind for the office and year, e.g. 370114001-2026-Z000042 (in the caller's transaction)."""
    with transaction.atomic():
        sequence, _created = DocumentSequence.objects.select_for_update().get_or_create(
            jurisdiction_code=jurisdiction_code, kind=kind, year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    significant = f"{jurisdiction_code:012d}".rstrip("0") or "0"
    # Keep whole levels (2, 4, 6, 9 or 12 digits) so the number names the office as its code does.
    width = next(w for w in (2, 4, 6, 9, 12) if w >= len(significant))
    return f"{jurisdiction_code:012d}"[:width] + f"-{year}-{KIND_LETTERS.get(kind, '')}{sequence.last:06d}"
