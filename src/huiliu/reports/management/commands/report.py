import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.core.errors import NotFound, ValidationFailed
from huiliu.jurisdictions import codes
from huiliu.reports import queries
from huiliu.reports.exports import ledger_csv, ledger_json
from huiliu.reports.periods import parse_period
from huiliu.reports.spreadsheets import write_ledger_xlsx

FORMATS = ("xlsx", "csv", "json")


class Command(BaseCommand):
    help = (
        "Write the ledger of one jurisdiction for one period: the jurisdiction's figures beside each of its children's "
        "and its own records, every indicator of the catalogue, as the acting user may see it (their subtree only; the "
        "read is audited). xlsx: the printed ledger, one sheet a standard table (default file "
        "ledger-<code>-<period>.xlsx). csv: a header code,name,row,<indicator codes>, then one line a child "
        "(row=child), the node's own records (row=own) and the totals (row=total). json: {period, jurisdiction, "
        "computed_at, indicators: [{code, name, unit, kind, table, definition, numerator, denominator}], rows: [{code, "
        "name, own, values}], total: {code, name, values}}. Counts are whole numbers; rates are percentages and "
        "medians days, to one decimal; empty (csv) or null (json) when there is nothing to divide. csv and json go to "
        "standard output unless --out is given. A closed period is read from the stored figures (stored at its first "
        "reading); --recompute computes and stores it afresh. An open period is always computed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="a month (2026-07), a quarter (2026Q3) or a year (2026)")
        parser.add_argument("--jurisdiction", required=True, help="the division code (12 digits, or a 6-digit county)")
        parser.add_argument("--format", dest="output_format", choices=FORMATS, default="xlsx")
        parser.add_argument("--out", default="", help="the file to write (csv and json: standard output without it)")
        parser.add_argument("--as", dest="username", required=True, help="the user the report is read as (their scope)")
        parser.add_argument("--recompute", action="store_true",
                            help="compute a closed period's figures afresh and store them in place of the stored ones")

    def handle(self, *args, period, jurisdiction, output_format, out, username, recompute, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的在用账号。")
        try:
            chosen = parse_period(period, "period")
            code = codes.parse_code(jurisdiction, "jurisdiction")
        except ValidationFailed as failure:
            raise CommandError(_field_messages(failure)) from None
        target = Path(out) if out else (Path(f"ledger-{code:012d}-{chosen.label}.xlsx") if output_format == "xlsx"
                                        else None)
        if target is not None and not target.parent.is_dir():
            raise CommandError(f"--out：找不到目录 {target.parent}。")
        try:
            if recompute and chosen.is_closed(timezone.localdate()):
                queries.access_ledger_node(user, code)  # nothing is recomputed for a user who may not read it
                queries.ensure_stored(chosen, acting_user=user, recompute=True)
            ledger = queries.compute_ledger(user=user, code=code, period=chosen)
        except NotFound:
            raise CommandError(f"{_('Jurisdiction')}：{_('No such jurisdiction.')}") from None
        except ValidationFailed as failure:
            raise CommandError(_field_messages(failure)) from None

        if output_format == "xlsx":
            content = write_ledger_xlsx(ledger, preparer=str(user), prepared_on=timezone.localdate())
        elif output_format == "csv":
            content = ledger_csv(ledger)
        else:
            content = json.dumps(ledger_json(ledger), ensure_ascii=False, indent=2) + "\n"
        queries.record_ledger_export(user=user, ledger=ledger, output_format=output_format, via="command")
        if target is None:
            self.stdout.write(content, ending="")
            return
        if isinstance(content, str):
            # A CSV for Excel carries a byte-order mark, or Excel reads the Chinese as another encoding.
            content = content.encode("utf-8-sig" if output_format == "csv" else "utf-8")
        target.write_bytes(content)
        self.stderr.write(f"已写入 {target}：{ledger.name} {chosen.title()}，{len(ledger.rows)} 行。")


def _field_messages(failure: ValidationFailed) -> str:
    labels = {"period": _("Period"), "jurisdiction": _("Jurisdiction"), "indicator": _("Indicator")}
    return "；".join(f"{labels.get(field, field)}：{'，'.join(messages)}" for field, messages in failure.errors.items())
