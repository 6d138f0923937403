"""The home page: the figures of the user's scope from the registry, the exchange and the follow-up work, side by side.

It sits outside the layered apps, like urls.py and api.py, because it composes several of
them: people may not import exchange or community, and none of them owns the home page.
"""

from django.shortcuts import render
from django.utils import timezone

from huiliu.accounts.scope import jurisdiction_ranges
from huiliu.accounts.views import LoginView
from huiliu.community import queries as community_queries
from huiliu.core.identity import mask_id_number
from huiliu.exchange import queries as exchange_queries
from huiliu.grievances import queries as grievance_queries
from huiliu.jurisdictions.queries import full_names
from huiliu.people import queries as people_queries


def home(request):
    """The user's offices, their people's figures, the exchange's notices and the latest arrivals; a stranger logs in."""
    if not request.user.is_authenticated:
        return LoginView.as_view()(request)
    figures = people_queries.count_jurisdiction_figures(user=request.user)
    exchange = exchange_queries.count_exchange_figures(user=request.user)
    today = timezone.localdate()
    follow_up = {
        "grievances": grievance_queries.count_home_figures(user=request.user, today=today),
        "left_behind": people_queries.count_left_behind(user=request.user, today=today),
        "missed_commitments": community_queries.count_missed_commitments(user=request.user, today=today),
    }
    arrivals = people_queries.list_recent_arrivals(user=request.user)
    offices = full_names(low for low, _high in jurisdiction_ranges(request.user))
    return render(request, "home.html", {
        "figures": figures, "exchange": exchange, "follow_up": follow_up, "offices": sorted(offices.values()),
        "arrivals": [(a, mask_id_number(a.migration.person.id_number)) for a in arrivals],
    })
