from django.urls import path

from dibiao.recommendations import views

app_name = "recommendations"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("province/", views.province, name="province"),
    path("national/", views.national, name="national"),
    path("national/paper-missing/", views.paper_missing, name="paper_missing"),
    path("notifications/", views.notifications, name="notifications"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/return/", views.return_, name="return"),
    path("<int:pk>/recommend/", views.recommend, name="recommend"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/receive/", views.receive, name="receive"),
    path("<int:pk>/return-to-province/", views.return_to_province, name="return_to_province"),
    path("<int:pk>/paper-received/", views.paper_received, name="paper_received"),
    path("<int:pk>/diff/", views.diff, name="diff"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
