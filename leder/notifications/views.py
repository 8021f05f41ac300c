from django.shortcuts import render


def about_easy_read(request):
    return render(request, "notifications/about_easy_read.jinja")
