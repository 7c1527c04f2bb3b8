from django.urls import path

from closedloop.views import referral_visit

urlpatterns = [path("r/<str:code>", referral_visit, name="referral-visit")]
