from django.urls import path

from dibiao.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
]
