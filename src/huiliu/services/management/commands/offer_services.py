from django.core.management.base import BaseCommand, CommandError

from huiliu.core.errors import ValidationFailed
from huiliu.services import actions


class Command(BaseCommand):
    help = ("Offer the yearly free check-up to every person a county serves whose service-priority group calls for "
            "it (an operator's command; a county officer does the same on the groups page). Running it again adds "
            "nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--county", type=int, required=True, help="the county's 12-digit division code")

    def handle(self, *args, year, county, **options):
        try:
            made = actions.offer_yearly_checkups(acting_user=None, county_code=county, year=year)
        except ValidationFailed as failure:
            raise CommandError("; ".join(m for messages in failure.errors.values() for m in messages)) from None
        self.stdout.write(f"{made}")
