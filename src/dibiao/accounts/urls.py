from django.contrib.auth import views as auth_views
from django.urls import path

from dibiao.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("welcome/<uidb64>/<token>/", views.AcceptInvitationView.as_view(), name="accept_invitation"),
    # Account management: national administrators, and provincial officers for the
    # implementing units of their province (accounts/permissions.py).
    path("users/", views.account_list, name="list"),
    path("users/new/", views.account_create, name="create"),
    path("users/<int:pk>/", views.account_detail, name="detail"),
    path("users/<int:pk>/edit/", views.account_edit, name="edit"),
    path("users/<int:pk>/disable/", views.account_disable, name="disable"),
    path("users/<int:pk>/enable/", views.account_enable, name="enable"),
    path("users/<int:pk>/unlock/", views.account_unlock, name="unlock"),
    path("users/<int:pk>/send-reset/", views.account_send_reset, name="send_reset"),
]
