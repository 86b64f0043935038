from django.urls import path

from dibiao.reviews import ranking_urls, views

app_name = "reviews"
urlpatterns = [
    path("", views.index, name="index"),
    # the expert pool
    path("experts/", views.experts, name="experts"),
    path("experts/new/", views.expert_create, name="expert_create"),
    path("experts/import/", views.expert_import, name="expert_import"),
    path("experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("experts/<int:pk>/active/", views.expert_set_active, name="expert_set_active"),
    path("experts/<int:pk>/ties/", views.tie_add, name="tie_add"),
    path("experts/<int:pk>/ties/<int:tie_pk>/remove/", views.tie_remove, name="tie_remove"),
    # a round's review
    path("rounds/<int:round_pk>/", views.round_review, name="round"),
    path("rounds/<int:round_pk>/panel/", views.panel_update, name="panel"),
    path("rounds/<int:round_pk>/rubric/", views.rubric, name="rubric"),
    path("rounds/<int:round_pk>/rubric/default/", views.rubric_default, name="rubric_default"),
    path("rounds/<int:round_pk>/assign/", views.auto_assign, name="auto_assign"),
    path("rounds/<int:round_pk>/start/", views.start, name="start"),
    path("rounds/<int:round_pk>/group-opinions/", views.leader_projects, name="leader_projects"),
    # a project's review
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/assign/", views.assign, name="assign"),
    path("projects/<int:pk>/complete/", views.complete, name="complete"),
    path("projects/<int:pk>/group-opinion/", views.group_opinion, name="group_opinion"),
    path("projects/<int:pk>/department-opinion/", views.department_opinion, name="department_opinion"),
    path("projects/<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    # score sheets
    path("mine/", views.my_assignments, name="my_assignments"),
    path("sheets/<int:assignment_pk>/", views.review, name="review"),
    path("sheets/<int:assignment_pk>/unassign/", views.unassign, name="unassign"),
    path("sheets/<int:assignment_pk>/reopen/", views.reopen, name="reopen"),
]
urlpatterns += ranking_urls.urlpatterns
