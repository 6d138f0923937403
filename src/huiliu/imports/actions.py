"""Every write of the imports app: mappings saved, files uploaded, checked, imported or discarded, ledgers exported.

An import acts as its user and stays in the user's writing scope row by row. A check
changes nothing; an import writes all the valid rows in one transaction or nothing.
"""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.scope import may_write, require_write_scope
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import FieldErrors, PermissionDenied, ValidationFailed
from huiliu.core.models import user_or_none
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people import actions as people_actions
from huiliu.people.models import Person

from . import checking, queries
from .columns import (
    CENSUS,
    FIELD_LABELS,
    Table,
    complete_columns,
    field_names,
    missing_required,
    paused_gc,
    read_table,
)
from .models import (
    BatchStatus,
    CensusCampaign,
    CensusEntry,
    ColumnMapping,
    Decision,
    EntryKind,
    ImportBatch,
    ImportKind,
)
from .reconciliation import Reconciled, reconcile
from .spreadsheets import workbook_bytes
from .writing import ascending_keys, hyphenated, write_persons

# What the web page takes in one request (the terminal command has no limit).
WEB_SIZE_LIMIT = 20 * 1024 * 1024
WEB_ROW_LIMIT = 100_000
# Service records go in one at a time through the services rules and their report to the household place
# (about 130 rows a second): the page takes what it finishes within a minute or so.
WEB_SERVICE_ROW_LIMIT = 5_000
REPORT_LIMIT = 20_000  # problems kept with a batch (shown on the page by 200, all in the XLSX)
EXPORT_ROW_LIMIT = 200_000


def web_row_limit(kind: str) -> int:
    """The most rows of this kind the page takes in one request."""
    return WEB_SERVICE_ROW_LIMIT if kind == ImportKind.SERVICES else WEB_ROW_LIMIT


def _require_writer(user) -> None:
    if not may_write(user):
        record_event(actor=user, event="write", object_type="import", outcome=AuditEvent.Outcome.DENIED)
        raise PermissionDenied(_("Only a role that registers people may import or export them."))


def _check_kind(kind: str) -> None:
    if kind not in ImportKind.values:
        raise ValidationFailed({"kind": [_("Choose what the file holds.")]})


def save_mapping(*, acting_user, kind: str, name: str, columns: dict[str, str]) -> ColumnMapping:
    """Keep a column mapping under a name, for the user and their office to reuse."""
    _require_writer(acting_user)
    _check_kind(kind)
    errors = FieldErrors()
    name = errors.text("name", name, 60, required=True)
    errors.raise_if_any()
    columns = {field: header for field, header in columns.items() if field in field_names(kind) and header}
    with transaction.atomic():
        mapping, _created = ColumnMapping.objects.update_or_create(
            owner=acting_user, kind=kind, name=name,
            defaults={"columns": columns, "office_code": acting_user.office_code},
        )
        record_event(actor=acting_user, event="save_mapping", object_type="import_mapping", object_id=mapping.pk,
                     detail={"kind": kind})
    return mapping


def upload_file(*, acting_user, kind: str, file_name: str, content: bytes, mapping: ColumnMapping | None = None,
                keep_content: bool = True, table: Table | None = None) -> ImportBatch:
    """Take in a file: read its headers, map its columns (a saved mapping first, then the usual headers)."""
    _require_writer(acting_user)
    _check_kind(kind)
    if keep_content and len(content) > WEB_SIZE_LIMIT:
        raise ValidationFailed({"file": [_("The file is larger than %(mb)d MB: import it with the huiliu import command.")
                                         % {"mb": WEB_SIZE_LIMIT // (1024 * 1024)}]})
    table = table if table is not None else read_table(content)
    row_limit = web_row_limit(kind)
    if keep_content and table.row_count > row_limit:
        raise ValidationFailed({"file": [_("The file has more than %(rows)d rows: import it with the huiliu import command.")
                                         % {"rows": row_limit}]})
    columns = complete_columns(kind, table.headers, mapping.columns if mapping else {})
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=kind, file_name=file_name[:200], file_hash=hashlib.sha256(content).hexdigest(),
            content=content if keep_content else b"", headers=table.headers, columns=columns,
            uploaded_by=user_or_none(acting_user), office_code=acting_user.office_code, row_count=table.row_count,
        )
        record_event(actor=acting_user, event="upload", object_type="import", object_id=batch.pk,
                     detail={"kind": kind, "rows": table.row_count})
    return batch


def choose_columns(*, acting_user, batch: ImportBatch, columns: dict[str, str]) -> ImportBatch:
    """Set which header fills which field; a header not in the file, or one used twice, is refused."""
    _require_own_open_batch(acting_user, batch)
    errors = FieldErrors()
    chosen = {}
    for field, header in columns.items():
        if not header or field not in field_names(batch.kind):
            continue
        if header not in batch.headers:
            errors.add(field, _("The file has no column headed “%(header)s”.") % {"header": header})
        elif header in chosen.values():
            errors.add(field, _("The column “%(header)s” is already used for another field.") % {"header": header})
        else:
            chosen[field] = header
    for field in missing_required(batch.kind, chosen):
        errors.add(field, _("Choose the column that holds this field."))
    errors.raise_if_any()
    with transaction.atomic():
        batch.columns = chosen
        batch.status = BatchStatus.UPLOADED
        batch.save(update_fields=["columns", "status", "updated_at"])
        record_event(actor=acting_user, event="update", object_type="import", object_id=batch.pk,
                     detail={"columns": sorted(chosen)})
    return batch


def _require_own_open_batch(user, batch: ImportBatch) -> None:
    if batch.uploaded_by_id != getattr(user, "pk", None):
        raise PermissionDenied(_("This import belongs to another user."))
    if batch.status in (BatchStatus.IMPORTED, BatchStatus.DISCARDED):
        raise ValidationFailed({"__all__": [_("This import is closed.")]})


def _require_columns(kind: str, columns: dict) -> None:
    missing = missing_required(kind, columns)
    if missing:
        raise ValidationFailed({"__all__": [_("Choose the columns for: %(fields)s.")
                                            % {"fields": "、".join(str(FIELD_LABELS[f]) for f in missing)}]})


def _audit_refused_rows(user, batch_id, checked: checking.Checked) -> None:
    outside = _("This jurisdiction is outside your area of responsibility.")
    refused = sum(1 for _index, _field, message in checked.problems if message == outside) + checked.denied
    if refused:
        record_event(actor=user, event="write", object_type="person", object_id=batch_id,
                     outcome=AuditEvent.Outcome.DENIED, detail={"import": str(batch_id), "rows": refused})


def _check(table, columns, *, kind, user, progress=None) -> checking.Checked:
    if kind == ImportKind.PERSONS:
        return checking.check_persons(table, columns, user=user)
    return checking.ROW_BY_ROW[kind](table, columns, user=user, progress=progress)


def _store_figures(batch: ImportBatch, checked: checking.Checked) -> None:
    batch.valid_count = checked.valid
    batch.unchanged_count = checked.unchanged
    batch.error_count = checked.bad_rows
    batch.row_count = checked.table.row_count
    batch.problems = checked.report(REPORT_LIMIT)


def check_batch(*, acting_user, batch: ImportBatch) -> checking.Checked:
    """Check every row and keep the report; nothing in the registry changes."""
    _require_own_open_batch(acting_user, batch)
    _require_columns(batch.kind, batch.columns)
    table = read_table(bytes(batch.content))
    with paused_gc(), transaction.atomic():
        checked = _check(table, batch.columns, kind=batch.kind, user=acting_user)
        transaction.set_rollback(True)  # outflows and inflows were tried through the actions: undo them
    with transaction.atomic():
        _store_figures(batch, checked)
        batch.status = BatchStatus.CHECKED
        batch.save(update_fields=["valid_count", "unchanged_count", "error_count", "row_count", "problems",
                                  "status", "updated_at"])
        record_event(actor=acting_user, event="check", object_type="import", object_id=batch.pk,
                     detail={"kind": batch.kind, "rows": checked.table.row_count, "valid": checked.valid,
                             "unchanged": checked.unchanged, "refused": checked.bad_rows})
        _audit_refused_rows(acting_user, batch.pk, checked)
    return checked


def import_batch(*, acting_user, batch: ImportBatch, table=None, dry_run: bool = False, progress=None,
                 after_check: bool = True) -> checking.Checked:
    """Check the file again and write its valid rows, all in one transaction; the rows with a problem are left out.

    Rows already recorded alike (same ID number and name; the same departure or arrival; the same service of the
    person, on the same date by the same provider) are counted as unchanged,
    so importing the same file again adds nothing. From the page the file must have been checked first (the user
    has seen the report); the terminal command checks and imports in one go (`after_check=False`). One audit event
    tells the import, its counts and the keys of the persons it created (they ascend, so the first and the last name
    them all); each departure, arrival or service has the one its action writes.
    """
    _require_own_open_batch(acting_user, batch)
    _require_columns(batch.kind, batch.columns)
    if after_check and batch.status != BatchStatus.CHECKED:
        raise ValidationFailed({"__all__": [_("Check the file and read the report before importing.")]})
    table = table if table is not None else read_table(bytes(batch.content))
    with paused_gc(), transaction.atomic():
        if progress:
            progress(0, table.row_count, "check")
        checked = _check(table, batch.columns, kind=batch.kind, user=acting_user,
                         progress=(lambda done, total: progress(done, total, "write")) if progress else None)
        if progress:
            progress(table.row_count, table.row_count, "check")
        created = checked.valid
        detail = {"kind": batch.kind, "rows": table.row_count, "created": created,
                  "unchanged": checked.unchanged, "refused": checked.bad_rows, "dry_run": dry_run}
        if batch.kind == ImportKind.PERSONS and created and not dry_run:
            keys = ascending_keys(created)
            # The one audit row of the import names every person it created: their keys run from first to last.
            detail["persons"] = {"first": hyphenated(keys[0]), "last": hyphenated(keys[-1])}
            write_persons(checked.values, keys=keys,
                          progress=(lambda done, total: progress(done, total, "write")) if progress else None)
        record_event(actor=acting_user, event="import", object_type="import", object_id=batch.pk, detail=detail)
        _audit_refused_rows(acting_user, batch.pk, checked)
        if dry_run:
            transaction.set_rollback(True)
        else:
            _store_figures(batch, checked)
            batch.created_count = created
            batch.status = BatchStatus.IMPORTED
            batch.imported_at = timezone.now()
            batch.content = b""  # the file is not kept once its rows are in the registry
            batch.save()
    return checked


def discard_batch(*, acting_user, batch: ImportBatch) -> ImportBatch:
    """Drop an upload without importing it; the file is forgotten."""
    _require_own_open_batch(acting_user, batch)
    with transaction.atomic():
        batch.status = BatchStatus.DISCARDED
        batch.content = b""
        batch.save(update_fields=["status", "content", "updated_at"])
        record_event(actor=acting_user, event="discard", object_type="import", object_id=batch.pk)
    return batch


def earlier_import(batch: ImportBatch) -> ImportBatch | None:
    """An earlier import of the very same file (same kind and hash), if there was one."""
    return (ImportBatch.objects.filter(kind=batch.kind, file_hash=batch.file_hash, status=BatchStatus.IMPORTED)
            .exclude(pk=batch.pk).defer("content").order_by("imported_at").first())


# --- Export -------------------------------------------------------------------------------------------------

SEX_WORDS = {"M": "男", "F": "女"}
MARITAL_WORDS = {"10": "未婚", "21": "初婚", "22": "再婚", "23": "复婚", "30": "丧偶", "40": "离婚", "90": "未说明"}
EDUCATION_WORDS = {"90": "未上过学", "80": "小学", "70": "初中", "60": "高中", "30": "大专", "20": "本科", "10": "研究生"}
REASON_WORDS = {"work": "务工", "business": "经商", "family": "投亲", "study": "学习", "marriage": "婚嫁", "other": "其他"}
RESIDENCE_WORDS = {"rented": "租赁", "dormitory": "单位宿舍", "own": "自有住房", "relatives": "投亲靠友", "other": "其他"}
SERVICE_WORDS = {"health_checkup": "生殖健康检查", "contraceptive_supply": "避孕药具发放", "counselling": "咨询指导",
                 "prenatal_referral": "孕产期保健转介", "postpartum_visit": "产后访视", "legal_aid": "法律援助",
                 "job_referral": "就业或培训推荐", "school_help": "子女入学帮助", "family_visit": "留守家庭走访"}
CONSENT_WORDS = {"spoken": "当面口头告知", "signed": "签署知情同意书", "online": "网上或电话确认"}

EXPORT_LAYOUTS = {
    ImportKind.PERSONS: (
        ["身份证号", "姓名", "户籍地区划代码", "性别", "出生日期", "民族", "户籍地址", "婚姻状况", "联系电话", "文化程度"],
        lambda p: [p.id_number, p.name, p.household_jurisdiction_id, SEX_WORDS.get(p.sex, ""), p.birth_date.isoformat(),
                   p.ethnicity, p.household_address, MARITAL_WORDS.get(p.marital_status, ""), p.phone,
                   EDUCATION_WORDS.get(p.education, "")],
    ),
    ImportKind.OUTFLOWS: (
        ["身份证号", "姓名", "外出时间", "外出原因", "流入地区划代码", "流入地", "工作单位", "从事职业", "联系电话", "村联系人"],
        lambda o: [o.migration.person.id_number, o.migration.person.name, o.departure_date.isoformat(),
                   REASON_WORDS.get(o.reason, ""), o.destination_jurisdiction_id or "", o.destination_address, o.employer,
                   o.work_background, o.contact_phone, o.village_contact],
    ),
    ImportKind.INFLOWS: (
        ["身份证号", "姓名", "流入时间", "现居住地区划代码", "现居住地址", "居住类型", "房东或雇主", "户籍地区划代码",
         "户籍地址", "联系电话"],
        lambda i: [i.migration.person.id_number, i.declared_name or i.migration.person.name, i.arrival_date.isoformat(),
                   i.residence_jurisdiction_id, i.address, RESIDENCE_WORDS.get(i.residence_type, ""),
                   i.landlord_or_employer, i.migration.person.household_jurisdiction_id,
                   i.migration.person.household_address, i.migration.person.phone],
    ),
    # No result and no method chosen: those are health fields, for health workers only (services.queries).
    ImportKind.SERVICES: (
        ["身份证号", "姓名", "服务类型", "服务日期", "服务机构", "知情同意", "同意方式", "同意日期"],
        lambda r: [r.person.id_number, r.person.name, SERVICE_WORDS.get(r.service_type, r.service_type),
                   r.service_date.isoformat(), r.provider, "是" if r.consent_given else "",
                   CONSENT_WORDS.get(r.consent_way, ""), r.consent_on.isoformat() if r.consent_on else ""],
    ),
}


def export_ledger(*, acting_user, kind: str) -> tuple[bytes, int]:
    """The ledger of the user's writing scope as an XLSX in the import's own layout, full values; audited with its count.

    Full ID numbers and phones leave only for the office's own records: the export needs a role that registers
    people (not the auditor's), covers only the subtrees of those roles, and is built for the one download (no copy
    is kept on the server).
    """
    _require_writer(acting_user)
    _check_kind(kind)
    rows = queries.ledger_rows(user=acting_user, kind=kind)
    count = rows.count()
    if count > EXPORT_ROW_LIMIT:
        raise ValidationFailed({"__all__": [_("More than %(rows)d rows: export a smaller area.") % {"rows": EXPORT_ROW_LIMIT}]})
    headers, render = EXPORT_LAYOUTS[kind]
    content = workbook_bytes(str(ImportKind(kind).label), headers, (render(row) for row in rows.iterator(chunk_size=5000)))
    record_event(actor=acting_user, event="export", object_type=kind, detail={"rows": count, "format": "xlsx"})
    return content, count



# --- Census reconciliation ------------------------------------------------------------------------------------


def create_census(*, acting_user, jurisdiction_code: int, census_date, name: str) -> CensusCampaign:
    """Open a census of a jurisdiction (in the user's writing scope) on a date."""
    errors = FieldErrors()
    name = errors.text("name", name, 100, required=True)
    node = Jurisdiction.objects.filter(code=jurisdiction_code).first()
    if node is None:
        errors.add("jurisdiction_code", _("No such jurisdiction."))
    if census_date is None:
        errors.add("census_date", _("This field is required."))
    elif census_date > timezone.localdate():
        errors.add("census_date", _("The date cannot be in the future."))
    errors.raise_if_any()
    require_write_scope(acting_user, node.code, object_type="census")
    with transaction.atomic():
        campaign = CensusCampaign.objects.create(name=name, jurisdiction=node, census_date=census_date,
                                                 created_by=user_or_none(acting_user))
        record_event(actor=acting_user, event="create", object_type="census", object_id=campaign.pk,
                     detail={"jurisdiction": node.code, "date": census_date.isoformat()})
    return campaign


def import_census_roll(*, acting_user, campaign: CensusCampaign, content: bytes) -> Reconciled:
    """Read the census roll and classify each person against the registry; the registry itself does not change.

    Returns the entries made and the lines refused (line, column, value, message through `report`).
    """
    require_write_scope(acting_user, campaign.jurisdiction_id, object_type="census", object_id=campaign.pk)
    if campaign.roll_imported_at is not None:
        raise ValidationFailed({"__all__": [_("This census already has its roll.")]})
    table = read_table(content)
    columns = complete_columns(CENSUS, table.headers, {})
    _require_columns(CENSUS, columns)
    result = reconcile(table, columns, area=campaign.jurisdiction_id, today=timezone.localdate())
    result.report = checking.Checked(kind=CENSUS, table=table, columns=columns, problems=result.problems).report()
    with transaction.atomic():
        CensusEntry.objects.bulk_create([
            CensusEntry(campaign=campaign, decision=Decision.NONE if e["kind"] == EntryKind.MATCHED else Decision.PENDING,
                        **e) for e in result.entries])
        campaign.roll_rows = table.row_count
        campaign.roll_imported_at = timezone.now()
        campaign.save(update_fields=["roll_rows", "roll_imported_at", "updated_at"])
        counts = {kind: sum(1 for e in result.entries if e["kind"] == kind) for kind in EntryKind.values}
        record_event(actor=acting_user, event="import", object_type="census", object_id=campaign.pk,
                     detail={"rows": table.row_count, "refused": len({i for i, _f, _m in result.problems}), **counts})
    return result


def decide_census_entry(*, acting_user, entry: CensusEntry, accept: bool, residence_type: str = "other") -> CensusEntry:
    """Accept or reject one proposal. Accepting a new person registers the arrival (people.actions.register_inflow);
    accepting a change updates the address or phone (people.actions.update_person); accepting a follow-up puts the
    record on the office's list to check with the household and the person; it changes nothing in the registry and
    is never a pursuit. A rejection changes nothing.
    """
    campaign = entry.campaign
    require_write_scope(acting_user, campaign.jurisdiction_id, object_type="census", object_id=campaign.pk)
    if entry.decision != Decision.PENDING:
        raise ValidationFailed({"__all__": [_("This entry has already been decided.")]})
    with transaction.atomic():
        if accept and entry.kind == EntryKind.NEW:
            people_actions.register_inflow(
                acting_user=acting_user, id_number=entry.id_number, name=entry.name, arrival_date=campaign.census_date,
                residence_code=entry.residence_code, address=entry.address or "—", residence_type=residence_type,
                household_code=entry.household_code, phone=entry.phone, registration_date=timezone.localdate(),
            )
        elif accept and entry.kind == EntryKind.CHANGED:
            person = Person.objects.get(pk=entry.person_id)
            people_actions.update_person(acting_user=acting_user, person=person,
                                         **{name: found for name, (_old, found) in entry.changes.items()})
        entry.decision = Decision.ACCEPTED if accept else Decision.REJECTED
        entry.decided_by = user_or_none(acting_user)
        entry.decided_at = timezone.now()
        entry.save(update_fields=["decision", "decided_by", "decided_at", "updated_at"])
        record_event(actor=acting_user, event="decide", object_type="census_entry", object_id=entry.pk,
                     subject_codes=(entry.household_code, entry.residence_code),
                     detail={"kind": entry.kind, "decision": entry.decision})
    return entry
