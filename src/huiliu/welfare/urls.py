from django.urls import path

from . import views

app_name = "welfare"
urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("programmes/new/", views.create_programme, name="create_programme"),
    path("programmes/<str:programme_id>/", views.programme_detail, name="programme_detail"),
    path("apply/<str:person_id>/", views.apply, name="apply"),
    path("applications/", views.application_queue, name="application_queue"),
    path("applications/<str:application_id>/", views.application_detail, name="application_detail"),
    path("families/", views.family_list, name="family_list"),
    path("families/new/<str:person_id>/", views.register_family, name="register_family"),
    path("families/<str:family_id>/", views.family_detail, name="family_detail"),
    path("beneficiaries/", views.beneficiary_list, name="beneficiary_list"),
]
