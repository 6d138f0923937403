"""What the tests on the demo population share: its period, its accounts and its tree."""

import datetime

from django.contrib.auth import get_user_model

from huiliu.jurisdictions.models import Jurisdiction
from huiliu.reports.periods import QUARTER, period_containing

# The quarter before the one the demo is loaded in: closed, and full of moves, notices and registrations.
DEMO_PERIOD = period_containing(datetime.date.today(), QUARTER).previous()


def demo_user(username: str):
    return get_user_model().objects.get(username=username)


def tree_of() -> list[tuple[int, int | None]]:
    """Every node of the loaded tree and its parent."""
    return list(Jurisdiction.objects.values_list("code", "parent_id"))
