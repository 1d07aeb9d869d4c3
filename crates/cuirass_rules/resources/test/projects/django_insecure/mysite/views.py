from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def update_bio(request):
    bio = request.POST.get("bio", "")
    response = render(request, "profile.html", {"bio": mark_safe(bio)})
    response.set_cookie("bio_session", "1")
    return response


def greet(request):
    name = request.GET.get("name", "")
    return HttpResponse(f"<h1>Hello {name}</h1>")
