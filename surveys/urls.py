from django.urls import path

from surveys import views

urlpatterns = [
    path("s/<slug:key>/", views.survey_page, name="survey-page"),
    path("s/<slug:key>/thanks/", views.survey_thanks, name="survey-thanks"),
    path("u/<slug:token>/", views.unsubscribe, name="unsubscribe"),
    path("demo/widget/", views.widget_demo, name="widget-demo"),
]
