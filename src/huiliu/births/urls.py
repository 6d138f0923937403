from django.urls import path

app_name = "births"
urlpatterns: list = []
