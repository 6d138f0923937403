from django.urls import path

from . import verification

# Public: no login. Anyone holding a voucher or certificate checks it here (rate-limited, audited).
app_name = "verify"
urlpatterns = [
    path("", verification.check, name="check"),
]
