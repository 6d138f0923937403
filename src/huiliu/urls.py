from django.urls import include, path

from huiliu.api import api

urlpatterns = [
    path("accounts/", include("huiliu.accounts.urls")),
    path("audit/", include("huiliu.audit.urls")),
    path("api/", api.urls),
    path("exchange/peer/", include("huiliu.exchange.peer_urls")),
    path("exchange/", include("huiliu.exchange.urls")),
    path("", include("huiliu.people.urls")),
]

handler404 = "huiliu.core.views.not_found"
handler500 = "huiliu.core.views.server_error"
handler403 = "huiliu.core.views.forbidden"
