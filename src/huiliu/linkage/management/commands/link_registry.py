from django.core.management.base import BaseCommand, CommandError

from huiliu.core.errors import ValidationFailed
from huiliu.jurisdictions import codes
from huiliu.linkage import actions, model


class Command(BaseCommand):
    help = ("Link the registry's open departures to unmatched arrivals and find duplicate persons; store the new "
            "pairs (linked at once above the link score, for review between the scores). Running it again adds "
            "nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", help="keep only pairs with a record in this division (12 digits)")
        parser.add_argument("--link-score", type=float, default=model.LINK_SCORE)
        parser.add_argument("--review-score", type=float, default=model.REVIEW_SCORE)

    def handle(self, *args, jurisdiction, link_score, review_score, **options):
        try:
            code = codes.parse_code(jurisdiction, "jurisdiction") if jurisdiction else None
            run = actions.run_registry_linkage(acting_user=None, jurisdiction_code=code, link_score=link_score,
                                               review_score=review_score)
        except ValidationFailed as failure:
            raise CommandError("; ".join(m for messages in failure.errors.values() for m in messages)) from None
        self.stdout.write(
            f"外出登记 {run.outflows:,} 条、流入登记 {run.inflows:,} 条、人员 {run.persons:,} 人："
            f"新自动关联 {run.auto_linked:,} 对，新待复核 {run.pending:,} 对，已有 {run.already_known:,} 对，"
            f"核实任务 {run.verification_tasks:,} 项（用时 {run.seconds:.2f} 秒）。"
        )
