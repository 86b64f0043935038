from django.urls import path

from dibiao.rounds import views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/edit/", views.round_edit, name="edit"),
    path("<int:pk>/quotas/", views.edit_quotas, name="edit_quotas"),
    path("<int:pk>/quotas/import/", views.import_quotas, name="import_quotas"),
    path("<int:pk>/quotas/export.<str:fmt>", views.export_quotas, name="export_quotas"),
    path("<int:pk>/quotas/proposal/", views.propose_quotas, name="propose_quotas"),
    path("<int:pk>/quotas/proposal/apply/", views.apply_proposal, name="apply_proposal"),
    path("<int:pk>/holdings/", views.edit_holdings, name="edit_holdings"),
    path("<int:pk>/holdings/import/", views.import_holdings, name="import_holdings"),
    path("<int:pk>/extensions/", views.grant_extension, name="grant_extension"),
]
