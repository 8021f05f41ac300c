"""PLACEHOLDER until the accounts work lands: replaced by the real sign-in and TOTP views."""

from django.http import HttpResponse


def sign_in(request):
    return HttpResponse("sign in")


def two_factor(request):
    return HttpResponse("two factor")


def sign_out(request):
    return HttpResponse("sign out")


def staff_home(request):
    return HttpResponse("home")


def locked_out(request, credentials, *args, **kwargs):
    return HttpResponse("locked", status=429)
