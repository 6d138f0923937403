"""The home page: the figures of the user's scope from the registry and from the exchange, side by side.

It sits outside the layered apps, like urls.py and api.py, because it composes two of
them: people may not import exchange, and the exchange does not own the home page.
"""

from django.shortcuts import render

from huiliu.accounts.scope import jurisdiction_ranges
from huiliu.accounts.views import LoginView
from huiliu.core.identity import mask_id_number
from huiliu.exchange import queries as exchange_queries
from huiliu.jurisdictions.queries import full_names
from huiliu.people import queries as people_queries


def home(request):
    """The user's offices, their people's figures, the exchange's notices and the latest arrivals; a stranger logs in."""
    if not request.user.is_authenticated:
        return LoginView.as_view()(request)
    figures = people_queries.count_jurisdiction_figures(user=request.user)
    exchange = exchange_queries.count_exchange_figures(user=request.user)
    arrivals = people_queries.list_recent_arrivals(user=request.user)
    offices = full_names(low for low, _high in jurisdiction_ranges(request.user))
    return render(request, "home.html", {
        "figures": figures, "exchange": exchange, "offices": sorted(offices.values()),
        "arrivals": [(a, mask_id_number(a.migration.person.id_number)) for a in arrivals],
    })
