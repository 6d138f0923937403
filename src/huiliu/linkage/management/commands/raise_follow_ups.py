from django.core.management.base import BaseCommand, CommandError

from huiliu.core.errors import ValidationFailed
from huiliu.jurisdictions import codes
from huiliu.linkage import actions


class Command(BaseCommand):
    help = ("Give the village a follow-up task for each departure with no arrival anywhere after "
            "HUILIU_LOST_CONTACT_DAYS days (a task to get back in touch, nothing more). Running it again adds "
            "nothing while the tasks are open.")

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", help="only departures from this division (12 digits)")

    def handle(self, *args, jurisdiction, **options):
        try:
            code = codes.parse_code(jurisdiction, "jurisdiction") if jurisdiction else None
            raised = actions.raise_follow_ups(acting_user=None, jurisdiction_code=code)
        except ValidationFailed as failure:
            raise CommandError("; ".join(m for messages in failure.errors.values() for m in messages)) from None
        self.stdout.write(f"新跟进任务 {raised:,} 项（外出满 {actions.lost_contact_days()} 天仍无流入登记）。")
