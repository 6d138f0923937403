from django.urls import path

from . import views

app_name = "fund"
urlpatterns = [
    path("", views.fund_list, name="fund_list"),
    path("new/", views.fund_new, name="fund_new"),
    path("figures/", views.figures, name="figures"),
    path("loan/<str:loan_id>/", views.loan_detail, name="loan_detail"),
    path("loan/<str:loan_id>/repayment/", views.repayment, name="repayment"),
    path("loan/<str:loan_id>/write-off/", views.write_off, name="write_off"),
    path("loan/<str:loan_id>/evaluation/", views.evaluation, name="evaluation"),
    path("<str:fund_id>/", views.fund_detail, name="fund_detail"),
    path("<str:fund_id>/ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("<str:fund_id>/rules/", views.rules, name="rules"),
    path("<str:fund_id>/donation/", views.donation, name="donation"),
    path("<str:fund_id>/allocation/", views.allocation, name="allocation"),
    path("<str:fund_id>/round/open/", views.round_open, name="round_open"),
    path("<str:fund_id>/round/close/", views.round_close, name="round_close"),
    path("<str:fund_id>/loan/new/", views.loan_new, name="loan_new"),
]
