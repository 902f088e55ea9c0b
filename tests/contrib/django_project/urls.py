"""allauth under /accounts/, django-two-factor-auth at the root, receipts under /aliyun-sms/."""

from django.http import HttpResponse
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_patterns


def home(request):
    return HttpResponse(f"home: {request.user.get_username() or 'anonymous'}")


urlpatterns = [
    path("", include(two_factor_patterns)),
    path("accounts/", include("allauth.urls")),
    path("home/", home, name="home"),
    # optional: Aliyun's delivery receipts (delivery.md), with ALIYUN_SMS_RECEIPT_TOKEN set
    path("aliyun-sms/receipts/", include("logto_connector_aliyun_sms.contrib.django.urls")),
]
