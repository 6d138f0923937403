from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from huiliu.audit.actions import record_event
from huiliu.core.errors import ValidationFailed

from . import codes
from .models import Jurisdiction
from .standard import standard_divisions


def load_divisions(*, acting_user, rows: Iterable[tuple[int, str, str]]) -> dict[str, int]:
    """Add or rename divisions from (line number, code, name) rows: all of them, or none on any bad row."""
    errors: list[str] = []
    parsed: dict[int, tuple[int, str]] = {}
    for line, raw_code, raw_name in rows:
        name = (raw_name or "").strip()
        try:
            code = codes.parse_code(raw_code)
        except ValidationFailed as failure:
            errors.append(_("line %(line)d, code %(code)r: %(message)s") % {"line": line, "code": raw_code, "message": failure.errors["code"][0]})
            continue
        if not name:
            errors.append(_("line %(line)d: the name is empty.") % {"line": line})
        elif code in parsed:
            errors.append(_("line %(line)d: code %(code)012d already appears on line %(first)d.") % {"line": line, "code": code, "first": parsed[code][0]})
        else:
            parsed[code] = (line, name[:100])
    if errors:
        raise ValidationFailed({"file": errors})

    with transaction.atomic():
        existing = set(Jurisdiction.objects.filter(code__in=_all_ancestors(parsed)).values_list("code", flat=True))
        existing_rows = set(Jurisdiction.objects.filter(code__in=list(parsed)).values_list("code", flat=True))
        others_exist = Jurisdiction.objects.count() > len(existing_rows)
        known = existing | set(parsed)
        nodes = []
        for code in sorted(parsed):
            parent = next((a for a in reversed(codes.ancestor_codes(code)) if a in known), None)
            nodes.append(Jurisdiction(code=code, name=parsed[code][1], level=codes.level_of(code), parent_id=parent))
        Jurisdiction.objects.bulk_create(
            nodes, batch_size=2000, update_conflicts=True, unique_fields=["code"], update_fields=["name", "level", "parent"]
        )
        if others_exist:
            # A new node between existing ones (a city row loaded after its counties)
            # adopts the existing rows below it; ancestors first, so the nearest wins.
            for code in sorted(set(parsed) - existing_rows):
                if codes.level_of(code) < codes.VILLAGE:
                    low, high = codes.subtree_range(code)
                    Jurisdiction.objects.filter(code__gt=low, code__lte=high).filter(
                        Q(parent__isnull=True) | Q(parent_id__lt=low)
                    ).update(parent_id=code)
        summary = {"created": len(set(parsed) - existing_rows), "updated": len(existing_rows)}
        record_event(actor=acting_user, event="load_divisions", object_type="jurisdiction", detail=summary)
    return summary


def _all_ancestors(parsed) -> set[int]:
    return {a for code in parsed for a in codes.ancestor_codes(code)}


def load_standard_divisions(*, acting_user) -> dict[str, int]:
    """Load every province, city and county in use today from the GB/T 2260 data."""
    return load_divisions(
        acting_user=acting_user, rows=((n, f"{code:012d}", name) for n, (code, name) in enumerate(standard_divisions(), 1))
    )
