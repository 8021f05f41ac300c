"""Routes: the reviewer register of an ICB."""

from django.urls import path

from leder.casework.views import register

urlpatterns = [
    path("reviewers", register.register, name="register"),
    path("reviewers/add", register.add, name="register_add"),
    path("reviewers/<int:pk>", register.detail, name="register_detail"),
    path("reviewers/<int:pk>/edit", register.edit, name="register_edit"),
    path("reviewers/<int:pk>/training", register.training_add, name="register_training_add"),
    path(
        "reviewers/<int:pk>/conflicts/organisation",
        register.conflict_organisation,
        name="register_conflict_organisation",
    ),
    path(
        "reviewers/<int:pk>/conflicts/person",
        register.conflict_person,
        name="register_conflict_person",
    ),
]
