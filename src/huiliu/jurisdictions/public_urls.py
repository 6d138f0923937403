from django.urls import path

from . import public_views

# Public: no login. The division tree's names and codes, for the place picker of the public forms (rate-limited).
app_name = "places"
urlpatterns = [
    path("", public_views.children, name="children"),
]
