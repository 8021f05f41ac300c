from django.urls import path

from leder.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.sign_in, name="sign_in"),
    path("two-factor", views.two_factor, name="two_factor"),
    path("sign-out", views.sign_out, name="sign_out"),
    path("", views.staff_home, name="home"),
]
