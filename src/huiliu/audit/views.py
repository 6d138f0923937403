from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from huiliu.accounts.models import Role
from huiliu.accounts.scope import has_role, jurisdiction_ranges

from .actions import record_event
from .models import AuditEvent
from .queries import list_events


@login_required
def event_list(request):
    if not has_role(request.user, Role.AUDITOR):
        record_event(actor=request.user, event="read_audit", outcome=AuditEvent.Outcome.DENIED)
        raise Http404
    filters = {key: request.GET.get(key, "").strip() for key in ("username", "event", "object_id", "outcome")}
    rows = list_events(office_ranges=jurisdiction_ranges(request.user), **filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    record_event(actor=request.user, event="read_audit", detail={k: v for k, v in filters.items() if v})
    return render(request, "audit/event_list.html", {"page": page, "filters": filters,
                                                     "outcomes": AuditEvent.Outcome.choices})
