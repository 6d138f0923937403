"""Error pages: generic, in Chinese, never a traceback; and the one way a view turns "not found" into its 404."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from .errors import DomainError, NotFound
from .ratelimit import allow_public_request


def found_or_404(access, user, row_id, **options):
    """Call access(user, row_id, **options); a row missing or out of scope becomes the 404 page."""
    try:
        return access(user, row_id, **options)
    except NotFound:
        raise Http404 from None


def refusal_text(refusal: DomainError, separator: str = " ") -> str:
    """A refusal as one line for a page's message: every field's messages, or the refusal's own text."""
    errors = getattr(refusal, "errors", None)
    return separator.join(m for messages in errors.values() for m in messages) if errors else str(refusal)


def not_found(request, exception=None):
    return render(request, "core/error.html", {"status": 404}, status=404)


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"status": 403}, status=403)


def server_error(request):
    return render(request, "core/error.html", {"status": 500}, status=500)


def refused_past_rate(request, *, client: str, page: str):
    """The 429 page once this client address has asked for a public page too often this minute; None while it may go on."""
    per_minute = getattr(settings, "HUILIU_PUBLIC_RATE_PER_MINUTE", 20)
    if allow_public_request(client=client, page=page, per_minute=per_minute):
        return None
    response = render(request, "core/rate_limited.html", status=429)
    response["Retry-After"] = "60"
    return response
