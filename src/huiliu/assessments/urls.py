from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("new/", views.scheme_create, name="scheme_create"),
    path("<str:scheme_id>/", views.scheme_detail, name="scheme_detail"),
    path("<str:scheme_id>/edit/", views.scheme_edit, name="scheme_edit"),
    path("<str:scheme_id>/score/", views.score, name="score"),
    path("<str:scheme_id>/periods/<str:period>/", views.period_results, name="period_results"),
    path("<str:scheme_id>/periods/<str:period>/bulletin/", views.bulletin, name="bulletin"),
    path("<str:scheme_id>/periods/<str:period>/bulletin/publish/", views.bulletin_publish, name="bulletin_publish"),
    path("<str:scheme_id>/periods/<str:period>/bulletin.pdf", views.bulletin_pdf, name="bulletin_pdf"),
]
