from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.ledger_page, name="ledger"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("records/", views.record_list, name="records"),
    path("charts/", views.charts_page, name="charts"),
]
