"""The certificate and proxy-application pages: thin, each parses, calls one action or query, and renders."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huiliu.accounts.scope import in_scope, jurisdiction_ranges
from huiliu.core.forms import submit
from huiliu.core.identity import mask_id_number
from huiliu.core.views import found_or_404
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.queries import full_names
from huiliu.people.queries import access_person

from . import actions, queries
from .certificate_pdf import render_certificate
from .forms import (
    CertificateFilterForm,
    IssueForm,
    ProxyApplicationForm,
    ProxyDecisionForm,
    ProxyFilterForm,
    ReissueForm,
    RevokeForm,
)
from .models import CertificateStatus, ProxyStatus, RequestedBy

PAGE_SIZE = 25


def _pdf(content: bytes, number: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- Certificates ---------------------------------------------------------------------------------------


@login_required
def certificate_list(request):
    filters = CertificateFilterForm(request.GET)
    filters.is_valid()  # an unknown status is dropped and the list shown unfiltered by it
    query, status = filters.cleaned_data.get("q", ""), filters.cleaned_data.get("status", "")
    person_id = request.GET.get("person") or None
    certificates = queries.list_certificates(user=request.user, query=query, status=status, person_id=person_id)
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    names = full_names(c.issuing_jurisdiction_id for c in page)
    rows = [{"certificate": c, "name": c.snapshot.get("name", ""), "masked_id": mask_id_number(c.snapshot.get("id_number", "")),
             "issuer": names.get(c.issuing_jurisdiction_id, "")} for c in page]
    person = rows[0]["certificate"].person if person_id and rows else None
    keep = urlencode({k: v for k, v in (("q", query), ("status", status), ("person", person_id or "")) if v})
    return render(request, "certificates/certificate_list.html", {
        "page": page, "rows": rows, "filters": filters, "query": query, "status": status, "person": person,
        "person_id": person_id, "keep": keep,
    })


@login_required
@require_http_methods(["GET", "POST"])
def issue(request, person_id):
    person = found_or_404(access_person, request.user, person_id)
    form = IssueForm(request.POST or None)
    certificate = submit(request, form, lambda data: actions.issue_certificate(
        acting_user=request.user, person=person, requested_by=RequestedBy.IN_PERSON, valid_days=data["valid_days"]))
    if certificate:
        messages.success(request, _("Certificate %(number)s issued.") % {"number": certificate.number})
        return redirect("certificates:certificate_detail", certificate_id=certificate.pk)
    return render(request, "certificates/issue.html", {
        "form": form, "person": person, "snapshot": queries.snapshot_of(person),
        "may_issue": in_scope(request.user, actions.issuing_township(person), writing=True),
        "title": _("Issue a status certificate"),
    })


@login_required
def certificate_detail(request, certificate_id):
    certificate = found_or_404(queries.access_certificate, request.user, certificate_id)
    may_change = (certificate.status == CertificateStatus.VALID
                  and in_scope(request.user, certificate.issuing_jurisdiction_id, writing=True))
    return render(request, "certificates/certificate_detail.html", {
        "certificate": certificate, "snapshot": certificate.snapshot, "may_change": may_change,
        "issuer": full_names([certificate.issuing_jurisdiction_id]).get(certificate.issuing_jurisdiction_id, ""),
        "newer": queries.find_newer_version(certificate),
        "spouse_masked_id": mask_id_number(certificate.snapshot.get("spouse_id_number", "")),
    })


@login_required
def certificate_pdf(request, certificate_id):
    certificate = found_or_404(queries.access_certificate, request.user, certificate_id, event="download")
    return _pdf(render_certificate(certificate), certificate.number)


def _certificate_form(request, certificate_id, form_class, action, *, done: str, title: str):
    certificate = found_or_404(queries.access_certificate, request.user, certificate_id)
    form = form_class(request.POST or None)
    result = submit(request, form, lambda data: action(acting_user=request.user, certificate=certificate, **data))
    if result:
        messages.success(request, done % {"number": result.number})
        return redirect("certificates:certificate_detail", certificate_id=result.pk)
    return render(request, "certificates/form.html", {
        "form": form, "certificate": certificate, "title": title,
        "back": ("certificates:certificate_detail", certificate.pk),
    })


@login_required
@require_http_methods(["GET", "POST"])
def reissue(request, certificate_id):
    return _certificate_form(request, certificate_id, ReissueForm, actions.reissue_certificate,
                             done=_("New version %(number)s issued; the old one is superseded."),
                             title=_("Issue a new version"))


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, certificate_id):
    return _certificate_form(request, certificate_id, RevokeForm, actions.revoke_certificate,
                             done=_("Certificate %(number)s revoked."), title=_("Revoke the certificate"))


# --- Proxy applications ---------------------------------------------------------------------------------


def _decides_somewhere(user) -> bool:
    """Whether any of the user's writing roles sits at a township or above: the offices that decide."""
    return any(codes.level_of(low) <= codes.TOWNSHIP for low, _high in jurisdiction_ranges(user, writing=True))


@login_required
def proxy_list(request):
    filters = ProxyFilterForm(request.GET)
    filters.is_valid()
    tab = filters.cleaned_data.get("tab") or ("incoming" if _decides_somewhere(request.user) else "outgoing")
    status = filters.cleaned_data.get("status", "")
    listing = (queries.list_incoming_proxy_applications if tab == "incoming"
               else queries.list_outgoing_proxy_applications)
    page = Paginator(listing(user=request.user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    names = full_names(code for a in page for code in (a.applying_jurisdiction_id, a.origin_jurisdiction_id))
    rows = [{"application": a, "masked_id": mask_id_number(a.person.id_number),
             "applying": names.get(a.applying_jurisdiction_id, ""), "origin": names.get(a.origin_jurisdiction_id, "")}
            for a in page]
    return render(request, "certificates/proxy_list.html", {
        "tab": tab, "status": status, "page": page, "rows": rows, "statuses": ProxyStatus.choices,
        "pending": queries.count_pending_proxy_applications(user=request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def proxy_apply(request, person_id):
    person = found_or_404(access_person, request.user, person_id)
    form = ProxyApplicationForm(request.POST or None)
    application = submit(request, form, lambda data: actions.apply_by_proxy(
        acting_user=request.user, person=person, purpose=data["purpose"]))
    if application:
        messages.success(request, _("The application has been sent to the household township."))
        return redirect("certificates:proxy_detail", application_id=application.pk)
    codes_shown = [person.household_jurisdiction_id, person.residence_jurisdiction_id]
    return render(request, "certificates/proxy_apply.html", {
        "form": form, "person": person, "names": full_names(codes_shown),
        "origin": full_names([actions.issuing_township(person)]).get(actions.issuing_township(person), ""),
        "title": _("Apply for a status certificate on the person's behalf"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def proxy_detail(request, application_id):
    application = found_or_404(queries.access_proxy_application, request.user, application_id)
    decides_here = in_scope(request.user, application.origin_jurisdiction_id, writing=True)
    may_decide = application.status == ProxyStatus.PENDING and decides_here
    form = ProxyDecisionForm(request.POST or None)
    # Whoever may not decide still goes through the action: its refusal is the domain's, and audited.
    decided = submit(request, form, lambda data: actions.decide_proxy_application(
        acting_user=request.user, application=application, issue=data["decision"] == "issue",
        refusal_reason=data["refusal_reason"], valid_days=data["valid_days"]))
    if decided:
        messages.success(request, _("The decision has been recorded and sent to the applying office."))
        return redirect("certificates:proxy_detail", application_id=decided.pk)
    person = application.person
    names = full_names([application.applying_jurisdiction_id, application.origin_jurisdiction_id,
                        person.household_jurisdiction_id, person.residence_jurisdiction_id])
    return render(request, "certificates/proxy_detail.html", {
        "application": application, "person": person, "names": names, "form": form, "may_decide": may_decide,
        "snapshot": queries.snapshot_of(person) if may_decide else None, "certificate": application.certificate,
    }, status=403 if request.method == "POST" and not decides_here else 200)


@login_required
def proxy_certificate_pdf(request, application_id):
    """The issued certificate, for the applying office to print for the person where they live."""
    application = found_or_404(queries.access_proxy_application, request.user, application_id, event="download")
    if application.certificate is None:
        raise Http404
    return _pdf(render_certificate(application.certificate), application.certificate.number)
