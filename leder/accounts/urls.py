from django.urls import path

from leder.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.sign_in, name="sign_in"),
    path("two-factor", views.two_factor, name="two_factor"),
    path("two-factor/recovery-code", views.two_factor_recovery, name="two_factor_recovery"),
    path("two-factor/set-up", views.two_factor_setup, name="two_factor_setup"),
    path("recovery-codes/new", views.recovery_codes_new, name="recovery_codes_new"),
    path("password", views.password_change, name="password_change"),
    path("sign-out", views.sign_out, name="sign_out"),
    path("role-grants/<int:pk>", views.role_grant_decide, name="role_grant_decide"),
    path("", views.staff_home, name="home"),
]
