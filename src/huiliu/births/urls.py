from django.urls import path

from . import views

app_name = "births"
urlpatterns = [
    # Public: the family files and checks its registration without an account (rate-limited per client address).
    path("register/", views.public_register, name="public_register"),
    path("register/filed/", views.public_filed, name="public_filed"),
    path("track/", views.public_track, name="public_track"),
    # Workers.
    path("", views.registration_list, name="list"),
    path("new/", views.register_for_family, name="new"),
    path("<str:registration_id>/", views.registration_detail, name="detail"),
    path("<str:registration_id>/confirm/", views.confirm, name="confirm"),
    path("<str:registration_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:registration_id>/voucher.pdf", views.voucher, name="voucher"),
]
