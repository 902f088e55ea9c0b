"""``path("aliyun-sms/receipts/", include("logto_connector_aliyun_sms.contrib.django.urls"))``:
the receipt URL to register in Aliyun's console (with ``?token=``)."""

from django.urls import path

from .receipts import receipt_view

app_name = "aliyun_sms"
urlpatterns = [path("", receipt_view, name="receipts")]
