from django.urls import path

from dibiao.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    # annual work summaries
    path("summaries/", views.summary_list, name="summary_list"),
    path("summaries/status/", views.summary_status, name="summary_status"),
    path("summaries/start/", views.summary_start, name="summary_start"),
    path("summaries/<int:pk>/", views.summary_detail, name="summary_detail"),
    path("summaries/<int:pk>/edit/", views.summary_edit, name="summary_edit"),
    path("summaries/<int:pk>/submit/", views.summary_submit, name="summary_submit"),
    path("summaries/<int:pk>/return/", views.summary_return, name="summary_return"),
    path("summaries/<int:pk>/files/", views.summary_attachment_add, name="summary_attachment_add"),
    path(
        "summaries/<int:pk>/files/<int:attachment_pk>/", views.summary_attachment, name="summary_attachment"
    ),
    path(
        "summaries/<int:pk>/files/<int:attachment_pk>/remove/",
        views.summary_attachment_remove,
        name="summary_attachment_remove",
    ),
    # typical cases
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/propose/", views.case_step, {"step": "propose"}, name="case_propose"),
    path("cases/<int:pk>/return/", views.case_step, {"step": "return"}, name="case_return"),
    path("cases/<int:pk>/accept/", views.case_step, {"step": "accept"}, name="case_accept"),
    path("cases/<int:pk>/publish/", views.case_step, {"step": "publish"}, name="case_publish"),
    path("cases/<int:pk>/unpublish/", views.case_step, {"step": "unpublish"}, name="case_unpublish"),
    path("cases/<int:pk>/photos/", views.case_photo_add, name="case_photo_add"),
    path("cases/<int:pk>/photos/<int:photo_pk>/", views.case_photo, name="case_photo"),
    path("cases/<int:pk>/photos/<int:photo_pk>/remove/", views.case_photo_remove, name="case_photo_remove"),
    # key projects
    path("projects/", views.project_list, name="project_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path("projects/<int:pk>/progress/", views.progress_note_save, name="progress_note_save"),
    # local action plans
    path("plans/", views.plan_status, name="plan_status"),
    path("plans/mine/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/files/", views.plan_attachment_add, name="plan_attachment_add"),
    path("plans/<int:pk>/files/<int:attachment_pk>/", views.plan_attachment, name="plan_attachment"),
    path(
        "plans/<int:pk>/files/<int:attachment_pk>/remove/",
        views.plan_attachment_remove,
        name="plan_attachment_remove",
    ),
    # the action's tasks
    path("tasks/", views.task_matrix, name="task_matrix"),
    path("tasks/<int:pk>/<int:year>/", views.task_progress, name="task_progress"),
]
