"""The division tree for the public place picker: a node's children, or a node's path, as JSON.

Division names and codes are public data; nothing else is answered here. No login is needed,
so each client address has a limit a minute (a generous one: a family choosing two places
makes a dozen requests), and the answers may be kept by the browser for an hour.
"""

from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from huiliu.audit.context import client_of_request
from huiliu.core.errors import ValidationFailed
from huiliu.core.ratelimit import allow_public_request

from . import codes
from .models import Jurisdiction
from .queries import list_children

RATE_PAGE = "places"
# Seconds a browser may keep an answer: the tree changes only when the divisions are reloaded.
MAX_AGE = 3600


def _node(jurisdiction: Jurisdiction) -> dict:
    return {"code": jurisdiction.code_text, "name": jurisdiction.name}


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


class _BadCode(Exception):
    pass


def _parsed(raw: str, field: str) -> int:
    try:
        return codes.parse_code(raw, field)
    except ValidationFailed as failure:
        raise _BadCode(failure.errors[field][0]) from None


@require_GET
def children(request):
    """`?code=` lists the children of a node (empty: the provinces); `?path=CODE` lists the node and its ancestors."""
    client = client_of_request(request)
    per_minute = getattr(settings, "HUILIU_PLACES_RATE_PER_MINUTE", 120)
    if not allow_public_request(client=client, page=RATE_PAGE, per_minute=per_minute):
        response = _error(_("This page has been asked for too often from your address in the last minute."
                            " Please wait a minute and try again."), 429)
        response["Retry-After"] = "60"
        return response
    try:
        if "path" in request.GET:
            answer = {"path": _path(_parsed(request.GET["path"], "path"))}
        else:
            raw = request.GET.get("code", "").strip()
            answer = {"children": _children(_parsed(raw, "code") if raw else None)}
    except _BadCode as bad:
        return _error(str(bad), 400)
    except Jurisdiction.DoesNotExist:
        return _error(_("No such jurisdiction."), 404)
    response = JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _children(code: int | None) -> list[dict]:
    if code is None:
        return [_node(j) for j in Jurisdiction.objects.filter(parent__isnull=True).order_by("code")]
    if not Jurisdiction.objects.filter(code=code).exists():
        raise Jurisdiction.DoesNotExist
    return [_node(j) for j in list_children(code)]


def _path(code: int) -> list[dict]:
    """The node and the ancestors that exist as rows, province first."""
    nodes = Jurisdiction.objects.filter(code__in=[*codes.ancestor_codes(code), code]).order_by("code")
    chain = [_node(j) for j in nodes]
    if not chain or chain[-1]["code"] != f"{code:012d}":
        raise Jurisdiction.DoesNotExist
    return chain
