from django.urls import path

from dibiao.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("xpcc/add/", views.add_xpcc_division, name="add_xpcc_division"),
    path("county-lists/", views.county_lists, name="county_lists"),
]
