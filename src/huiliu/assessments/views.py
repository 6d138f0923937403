"""The assessment pages: thin, each parses, calls one action or query, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huiliu.accounts.scope import role_ranges
from huiliu.core.errors import DomainError, NotFound
from huiliu.core.forms import submit
from huiliu.core.models import is_uuid
from huiliu.core.views import found_or_404, refusal_text
from huiliu.reports.indicators import CATALOGUE
from huiliu.reports.periods import parse_period

from . import actions, queries
from .bulletin_pdf import render_bulletin
from .forms import EditSchemeForm, NewSchemeForm, PublishForm, ScoreForm


def _scheme_or_404(request, scheme_id):
    return found_or_404(queries.access_scheme, request.user, scheme_id)


def _scored_or_404(scheme, period):
    try:
        return queries.access_scored_period(scheme, period)
    except NotFound:
        raise Http404 from None


def _assessing_office(user) -> int | None:
    """The office the user most likely sets schemes for: their first county-or-higher officer role."""
    starts = sorted(low for role in actions.ASSESSING_ROLES for low, _high in role_ranges(user, role))
    return starts[0] if starts else None


def _item_rows(form):
    return [{"indicator": CATALOGUE[code], "weight": weight, "target": target, "floor": floor}
            for code, weight, target, floor in form.item_rows()]


@login_required
def scheme_list(request):
    schemes = list(queries.list_schemes(user=request.user).prefetch_related("items"))
    return render(request, "assessments/scheme_list.html", {
        "schemes": schemes, "may_create": _assessing_office(request.user) is not None,
        "bulletins_from_above": list(queries.list_bulletins_from_above(user=request.user)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request):
    office = _assessing_office(request.user)
    form = NewSchemeForm(request.POST or None, initial={"owner_code": f"{office:012d}" if office else ""})
    scheme = submit(request, form, lambda data: actions.create_scheme(
        acting_user=request.user, owner_code=data["owner_code"], name=data["name"], period_kind=data["period_kind"],
        items=form.items()))
    if scheme:
        messages.success(request, _("Scheme created."))
        return redirect("assessments:scheme_detail", scheme_id=scheme.pk)
    return render(request, "assessments/scheme_form.html", {
        "form": form, "rows": _item_rows(form), "title": _("New assessment scheme")})


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request, scheme_id):
    scheme = _scheme_or_404(request, scheme_id)
    initial = {"name": scheme.name, "active": scheme.active, **EditSchemeForm.initial_from(scheme)}
    form = EditSchemeForm(request.POST or None, initial=initial)
    if submit(request, form, lambda data: actions.edit_scheme(
            acting_user=request.user, scheme=scheme, name=data["name"], active=data["active"], items=form.items())):
        messages.success(request, _("Scheme saved."))
        return redirect("assessments:scheme_detail", scheme_id=scheme.pk)
    return render(request, "assessments/scheme_form.html", {
        "form": form, "rows": _item_rows(form), "scheme": scheme, "title": _("Edit the scheme")})


@login_required
def scheme_detail(request, scheme_id):
    scheme = _scheme_or_404(request, scheme_id)
    return render(request, "assessments/scheme_detail.html", {
        "scheme": scheme, "items": queries.list_items(scheme),
        "scored_periods": list(queries.list_scored_periods(scheme)),
        "may_assess": actions.may_assess(request.user, scheme.owner_id),
        "score_form": ScoreForm(),
    })


@login_required
@require_POST
def score(request, scheme_id):
    scheme = _scheme_or_404(request, scheme_id)
    form = ScoreForm(request.POST)
    form.is_valid()
    period = form.cleaned_data.get("period", "")
    try:
        scored = actions.score_period(acting_user=request.user, scheme=scheme, period=period)
    except DomainError as refusal:
        messages.error(request, refusal_text(refusal))
        return redirect("assessments:scheme_detail", scheme_id=scheme.pk)
    messages.success(request, _("Period %(period)s scored.") % {"period": scored.period})
    return redirect("assessments:period_results", scheme_id=scheme.pk, period=scored.period)


@login_required
def period_results(request, scheme_id, period):
    scheme = _scheme_or_404(request, scheme_id)
    scored = _scored_or_404(scheme, period)
    results = queries.list_results(scored)
    items = [{"code": i.indicator, "indicator": CATALOGUE[i.indicator]} for i in results[0].items.all()] \
        if results else []
    return render(request, "assessments/period_results.html", {
        "scheme": scheme, "scored": scored, "results": results, "items": items,
        "period_title": parse_period(scored.period).title(),
        "bulletin": queries.find_bulletin(scheme, scored.period),
        "may_assess": actions.may_assess(request.user, scheme.owner_id),
    })


def _scheme_seen(user, scheme_id):
    """The scheme when the user sees it (its office's subtree), else None: they may still read its bulletins."""
    return queries.list_schemes(user=user).filter(pk=scheme_id).first() if is_uuid(scheme_id) else None


def _bulletin_from_above(request, scheme_id, period):
    """The published bulletin as the assessed units read it, or 404 alike for anything they may not read."""
    return found_or_404(queries.access_bulletin_from_above, request.user, scheme_id, period=period)


@login_required
def bulletin(request, scheme_id, period):
    scheme = _scheme_seen(request.user, scheme_id)
    if scheme is None:
        published = _bulletin_from_above(request, scheme_id, period)
        return render(request, "assessments/bulletin.html", {
            "scheme": published.scheme, "summary": published.summary, "published": published, "from_above": True,
            "title": queries.title_of(published.summary), "period": published.period,
        })
    scored = _scored_or_404(scheme, period)
    summary, published = queries.read_bulletin(scheme=scheme, period=scored.period)
    return render(request, "assessments/bulletin.html", {
        "scheme": scheme, "scored": scored, "summary": summary, "published": published, "period": scored.period,
        "title": queries.title_of(summary),
        "rescored": published is not None and scored.scored_at > published.published_at,
        "may_assess": actions.may_assess(request.user, scheme.owner_id),
        "form": PublishForm(initial={"remarks": published.remarks if published else ""}),
    })


@login_required
@require_POST
def bulletin_publish(request, scheme_id, period):
    scheme = _scheme_or_404(request, scheme_id)
    scored = _scored_or_404(scheme, period)
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        actions.publish_bulletin(acting_user=request.user, scheme=scheme, period=scored.period,
                                 remarks=form.cleaned_data.get("remarks", ""))
    except DomainError as refusal:
        messages.error(request, refusal_text(refusal))
    else:
        messages.success(request, _("Bulletin published."))
    return redirect("assessments:bulletin", scheme_id=scheme.pk, period=scored.period)


@login_required
def bulletin_pdf(request, scheme_id, period):
    scheme = _scheme_seen(request.user, scheme_id)
    if scheme is None:
        published = _bulletin_from_above(request, scheme_id, period)
        scheme, summary, label = published.scheme, published.summary, published.period
    else:
        label = _scored_or_404(scheme, period).period
        summary, published = queries.read_bulletin(scheme=scheme, period=label)
    try:
        pdf = render_bulletin(summary, remarks=published.remarks if published else "",
                              published_on=timezone.localdate(published.published_at) if published else None,
                              draft=published is None)
    except DomainError as refusal:  # a character the font lacks: no paper that misspells a name
        messages.error(request, refusal_text(refusal))
        return redirect("assessments:bulletin", scheme_id=scheme.pk, period=label)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bulletin-{label}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
