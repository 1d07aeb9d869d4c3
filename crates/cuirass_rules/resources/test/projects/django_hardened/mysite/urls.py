from django.urls import path

from mysite import views

urlpatterns = [
    path("bio/", views.update_bio),
    path("hello/", views.greet),
]
