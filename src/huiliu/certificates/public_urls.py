from django.urls import path

app_name = "verify"
urlpatterns: list = []
