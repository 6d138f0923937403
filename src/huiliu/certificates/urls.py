from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="certificate_list"),
    path("issue/<str:person_id>/", views.issue, name="issue"),
    # The proxy pages come before "<certificate_id>/", which would otherwise take "proxy" for an id.
    path("proxy/", views.proxy_list, name="proxy_list"),
    path("proxy/new/<str:person_id>/", views.proxy_apply, name="proxy_apply"),
    path("proxy/<str:application_id>/", views.proxy_detail, name="proxy_detail"),
    path("proxy/<str:application_id>/certificate.pdf", views.proxy_certificate_pdf, name="proxy_certificate_pdf"),
    path("<str:certificate_id>/", views.certificate_detail, name="certificate_detail"),
    path("<str:certificate_id>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("<str:certificate_id>/reissue/", views.reissue, name="reissue"),
    path("<str:certificate_id>/revoke/", views.revoke, name="revoke"),
]
