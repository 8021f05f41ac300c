from django.urls import path

from leder.families import staff_views as views

app_name = "families_staff"
urlpatterns = [
    path("families/not-contacted", views.not_contacted, name="not_contacted"),
    path("cases/<str:reference>/family", views.family_page, name="page"),
    path("cases/<str:reference>/family/<int:pk>/withdraw", views.withdraw, name="withdraw"),
    path("cases/<str:reference>/family/share/<str:kind>", views.share, name="share"),
    path("cases/<str:reference>/family/copy", views.copy_page, name="copy"),
    path(
        "cases/<str:reference>/family/copy/easy-read", views.copy_easy_read, name="copy_easy_read"
    ),
    path("cases/<str:reference>/family/copy.pdf", views.copy_pdf, name="copy_pdf"),
    path(
        "cases/<str:reference>/family/copy/easy-read.pdf",
        views.copy_pdf,
        {"easy_read": True},
        name="copy_easy_read_pdf",
    ),
    path("cases/<str:reference>/family/announce", views.announce, name="announce"),
    path("cases/<str:reference>/family/letters/<int:pk>", views.letter_download, name="letter"),
    path(
        "cases/<str:reference>/family/letters/<int:pk>/posted",
        views.letter_mark_posted,
        name="letter_posted",
    ),
    path("cases/<str:reference>/family/files/<int:pk>", views.file_download, name="file"),
]
