from django.urls import path

from . import views

# The public, without an account: send a complaint, suggestion or rights-protection request, and follow it
# (rate-limited per client address).
app_name = "grievances_public"
urlpatterns = [
    path("", views.public_file, name="file"),
    path("filed/", views.public_filed, name="filed"),
    path("track/", views.public_track, name="track"),
]
