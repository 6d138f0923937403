from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_home, name="home"),
    path("export/<str:kind>.xlsx", views.export, name="export"),
    path("census/", views.census_list, name="census_list"),
    path("census/<str:campaign_id>/", views.census_detail, name="census_detail"),
    path("census/entries/<str:entry_id>/decide/", views.decide_entry, name="decide_entry"),
    path("<str:batch_id>/", views.batch_detail, name="batch_detail"),
    path("<str:batch_id>/import/", views.import_rows, name="import_rows"),
    path("<str:batch_id>/discard/", views.discard, name="discard"),
    path("<str:batch_id>/report.xlsx", views.report, name="report"),
]
