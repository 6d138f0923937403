from django.urls import path

from . import federation

app_name = "exchange_peer"
urlpatterns = [
    # No login: a peer deployment authenticates each request by its signature (federation.receive).
    path("inbox", federation.receive, name="inbox"),
]
