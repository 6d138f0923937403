from collections.abc import Iterable

from huiliu.core.errors import NotFound

from . import codes
from .models import Jurisdiction


def get_jurisdiction(code: int) -> Jurisdiction:
    """Fetch one node of the tree (the tree itself is public knowledge)."""
    try:
        return Jurisdiction.objects.get(code=code)
    except Jurisdiction.DoesNotExist:
        raise NotFound(code) from None


def list_children(code: int) -> list[Jurisdiction]:
    """List the nodes directly below this one."""
    return list(Jurisdiction.objects.filter(parent_id=code).order_by("code"))


def list_subtree(code: int, *, level: int | None = None):
    """List the nodes at or below this one, optionally of one level."""
    low, high = codes.subtree_range(code)
    nodes = Jurisdiction.objects.filter(code__range=(low, high))
    return nodes.filter(level=level) if level else nodes


def full_names(codes_wanted: Iterable[int]) -> dict[int, str]:
    """Map each code to its full path name (山东省 济南市 章丘区 …), in one query."""
    wanted = {c for c in codes_wanted if c}
    every = wanted | {a for c in wanted for a in codes.ancestor_codes(c)}
    names = dict(Jurisdiction.objects.filter(code__in=every).values_list("code", "name"))
    return {
        code: " ".join(names[a] for a in [*codes.ancestor_codes(code), code] if a in names) or f"{code:012d}"
        for code in wanted
    }
