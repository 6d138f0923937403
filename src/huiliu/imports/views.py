"""The import pages: upload, map the columns (preview), check (report), import or discard; exports. Thin: each
parses, calls one action or query, and renders.

The web import runs in the request for files up to actions.WEB_SIZE_LIMIT and
web_row_limit(kind) rows; the page streams a progress bar while it runs (imports.progress).
Larger files go through the `huiliu import` command, which shows its own progress bar.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huiliu.accounts.scope import jurisdiction_ranges
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.core.forms import submit
from huiliu.core.identity import mask_id_number
from huiliu.core.views import found_or_404, refusal_text
from huiliu.jurisdictions.queries import full_names

from . import actions, queries
from .columns import FIELD_LABELS, field_names, read_table
from .forms import CensusForm, ColumnsForm, MappingNameForm, RollForm, UploadForm
from .models import BatchStatus, EntryKind, ImportKind
from .progress import run_reporting_progress
from .spreadsheets import report_bytes

PREVIEW_ROWS = 10
PROGRESS_MARK = "<!-- progress -->"
REPORT_ROWS_SHOWN = 200
ENTRIES_SHOWN = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refusal_text(failure) -> str:
    return refusal_text(failure, "；")


@login_required
@require_http_methods(["GET", "POST"])
def import_home(request):
    mappings = list(queries.list_mappings(user=request.user))
    form = UploadForm(request.POST or None, request.FILES or None, mappings=mappings)

    def upload(data):
        mapping = next((m for m in mappings if str(m.pk) == data["mapping"]), None)
        return actions.upload_file(acting_user=request.user, kind=data["kind"], file_name=data["file"].name,
                                   content=data["file"].read(), mapping=mapping)

    batch = submit(request, form, upload)
    if batch:
        return redirect("imports:batch_detail", batch_id=batch.pk)
    return render(request, "imports/home.html", {
        "form": form, "batches": list(queries.list_batches(user=request.user)), "mappings": mappings,
        "kinds": ImportKind.choices, "size_mb": actions.WEB_SIZE_LIMIT // (1024 * 1024),
        "row_limit": actions.WEB_ROW_LIMIT, "service_row_limit": actions.WEB_SERVICE_ROW_LIMIT,
    })


def _preview(batch, table) -> tuple[list[str], list[list[str]]]:
    names = [n for n in field_names(batch.kind) if batch.columns.get(n)]
    rows = []
    for index in range(min(PREVIEW_ROWS, table.row_count)):
        rows.append([table.lines[index]] + [table.column(batch.columns[n])[index] for n in names])
    return [str(FIELD_LABELS[n]) for n in names], rows


@login_required
@require_http_methods(["GET", "POST"])
def batch_detail(request, batch_id):
    batch = found_or_404(queries.access_batch, request.user, batch_id)
    is_open = batch.status in (BatchStatus.UPLOADED, BatchStatus.CHECKED)
    columns_form = ColumnsForm(request.POST or None, kind=batch.kind, headers=batch.headers, initial=batch.columns)
    name_form = MappingNameForm(request.POST or None)
    if request.method == "POST" and is_open:
        # Setting the columns is followed by the check of every row: the page then shows the report.
        def choose_and_check(data):
            actions.choose_columns(acting_user=request.user, batch=batch, columns=data)
            if (request.POST.get("mapping_name") or "").strip():
                actions.save_mapping(acting_user=request.user, kind=batch.kind, name=request.POST["mapping_name"],
                                     columns=batch.columns)
            return actions.check_batch(acting_user=request.user, batch=batch)

        if submit(request, columns_form, choose_and_check):
            return redirect("imports:batch_detail", batch_id=batch.pk)
    headers, preview = ([], [])
    if batch.content:
        headers, preview = _preview(batch, read_table(bytes(batch.content)))
    return render(request, "imports/batch_detail.html", {
        "batch": batch, "is_open": is_open, "columns_form": columns_form, "name_form": name_form,
        "preview_headers": headers, "preview": preview, "problems": batch.problems[:REPORT_ROWS_SHOWN],
        "more_problems": max(0, len(batch.problems) - REPORT_ROWS_SHOWN), "earlier": actions.earlier_import(batch),
    })


@login_required
@require_POST
def import_rows(request, batch_id):
    batch = found_or_404(queries.access_batch, request.user, batch_id)
    if batch.status != BatchStatus.CHECKED:
        messages.error(request, _("Check the file and read the report before importing."))
        return redirect("imports:batch_detail", batch_id=batch.pk)
    page = render_to_string("imports/importing.html", {"batch": batch}, request=request)
    head, tail = page.split(PROGRESS_MARK)

    def stream():
        yield head
        steps = run_reporting_progress(lambda report: actions.import_batch(acting_user=request.user, batch=batch,
                                                                           progress=report))
        for step in steps:
            if step[0] == "progress":
                _kind, done, total, stage = step
                yield render_to_string("imports/_progress_step.html", {
                    "done": done, "total": total, "stage": stage,
                    "percent": round(100 * done / total) if total else 100})
            elif step[0] == "done":
                checked = step[1]
                yield render_to_string("imports/_import_result.html", {"batch": batch, "ok": True, "message": _(
                    "Imported: %(created)d new, %(unchanged)d already recorded, %(refused)d rows left out.") % {
                    "created": checked.valid, "unchanged": checked.unchanged, "refused": checked.bad_rows}})
            elif isinstance(step[1], ValidationFailed | PermissionDenied):
                yield render_to_string("imports/_import_result.html", {"batch": batch, "ok": False,
                                                                       "message": _refusal_text(step[1])})
            else:
                raise step[1]
        yield tail

    response = StreamingHttpResponse(stream(), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # a reverse proxy passes each bar on at once
    return response


@login_required
@require_POST
def discard(request, batch_id):
    batch = found_or_404(queries.access_batch, request.user, batch_id)
    try:
        actions.discard_batch(acting_user=request.user, batch=batch)
    except (ValidationFailed, PermissionDenied):
        pass
    messages.success(request, _("The file was discarded; nothing was imported."))
    return redirect("imports:home")


@login_required
def report(request, batch_id):
    batch = found_or_404(queries.access_batch, request.user, batch_id)
    return _xlsx_response(report_bytes(batch.problems), f"import-report-{str(batch.pk)[:8]}.xlsx")


@login_required
def export(request, kind):
    if kind not in ImportKind.values:
        return redirect("imports:home")
    try:
        content, _count = actions.export_ledger(acting_user=request.user, kind=kind)
    except (ValidationFailed, PermissionDenied) as failure:
        messages.error(request, _refusal_text(failure))
        return redirect("imports:home")
    return _xlsx_response(content, f"{kind}.xlsx")


# --- Census reconciliation ------------------------------------------------------------------------------------


def _areas(user) -> list[tuple[int, str]]:
    mine = sorted({low for low, _high in jurisdiction_ranges(user, writing=True)})
    names = full_names(mine)
    return [(code, names.get(code, str(code))) for code in mine]


@login_required
@require_http_methods(["GET", "POST"])
def census_list(request):
    form = CensusForm(request.POST or None, areas=_areas(request.user))
    campaign = submit(request, form, lambda data: actions.create_census(
        acting_user=request.user, jurisdiction_code=data["jurisdiction_code"], census_date=data["census_date"],
        name=data["name"]))
    if campaign:
        return redirect("imports:census_detail", campaign_id=campaign.pk)
    return render(request, "imports/census_list.html",
                  {"form": form, "campaigns": list(queries.list_censuses(user=request.user)[:100])})


@login_required
@require_http_methods(["GET", "POST"])
def census_detail(request, campaign_id):
    campaign = found_or_404(queries.access_census, request.user, campaign_id)
    form = RollForm(request.POST or None, request.FILES or None)
    result = submit(request, form, lambda data: actions.import_census_roll(
        acting_user=request.user, campaign=campaign, content=data["file"].read()))
    kind = request.GET.get("kind", "")
    entries = list(queries.list_census_entries(user=request.user, campaign=campaign, kind=kind)[:ENTRIES_SHOWN])
    counts = dict(campaign.entries.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return render(request, "imports/census_detail.html", {
        "campaign": campaign, "form": form, "problems": result.report if result else [],
        "entries": [{"entry": e, "masked_id": mask_id_number(e.id_number)} for e in entries],
        "kinds": [(value, label, counts.get(value, 0)) for value, label in EntryKind.choices], "kind": kind,
    })


@login_required
@require_POST
def decide_entry(request, entry_id):
    entry = found_or_404(queries.access_census_entry, request.user, entry_id)
    try:
        actions.decide_census_entry(acting_user=request.user, entry=entry, accept=request.POST.get("accept") == "1")
    except (ValidationFailed, PermissionDenied) as failure:
        messages.error(request, _refusal_text(failure))
    return redirect(f"{reverse('imports:census_detail', args=[entry.campaign_id])}?kind={entry.kind}")
