from django.urls import include, path

from huiliu.api import api
from huiliu.home import home
from huiliu.people import urls as people_urls

# The home page composes people and exchange, so it is routed here, under the name it has always had.
people_pages = ([path("", home, name="home"), *people_urls.urlpatterns], people_urls.app_name)

urlpatterns = [
    path("accounts/", include("huiliu.accounts.urls")),
    path("audit/", include("huiliu.audit.urls")),
    path("api/", api.urls),
    path("births/", include("huiliu.births.urls")),
    path("certificates/", include("huiliu.certificates.urls")),
    path("verify/", include("huiliu.certificates.public_urls")),
    path("welfare/", include("huiliu.welfare.urls")),
    path("fund/", include("huiliu.fund.urls")),
    path("services/", include("huiliu.services.urls")),
    path("community/", include("huiliu.community.urls")),
    path("grievances/", include("huiliu.grievances.urls")),
    path("feedback/", include("huiliu.grievances.public_urls")),
    path("exchange/peer/", include("huiliu.exchange.peer_urls")),
    path("exchange/", include("huiliu.exchange.urls")),
    path("imports/", include("huiliu.imports.urls")),
    path("linkage/", include("huiliu.linkage.urls")),
    path("reports/", include("huiliu.reports.urls")),
    path("assessments/", include("huiliu.assessments.urls")),
    path("places/", include("huiliu.jurisdictions.public_urls")),
    path("", include(people_pages)),
]

handler404 = "huiliu.core.views.not_found"
handler500 = "huiliu.core.views.server_error"
handler403 = "huiliu.core.views.forbidden"
