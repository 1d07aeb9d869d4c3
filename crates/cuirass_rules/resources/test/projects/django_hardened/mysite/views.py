from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.views.decorators.http import require_POST


@require_POST
def update_bio(request):
    bio = request.POST.get("bio", "")
    response = render(request, "profile.html", {"bio": bio})
    response.set_cookie("bio_session", "1", secure=True, httponly=True, samesite="Lax")
    return response


def greet(request):
    name = request.GET.get("name", "")
    return HttpResponse(format_html("<h1>Hello {}</h1>", name))
