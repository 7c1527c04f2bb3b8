from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        check_request_enabled.connect(_widget_origin_allowed, dispatch_uid="surveys-widget-origins")


def _widget_origin_allowed(sender, request, **kwargs) -> bool:
    """Grant CORS to an origin that some active survey lets embed its widget."""
    from surveys.selectors import widget_origins_all

    if not request.path_info.startswith("/api/v1/public/"):
        return False  # the signal is asked about every path; only the widget's endpoints are cross-origin
    origin = request.headers.get("origin", "").rstrip("/")
    return bool(origin) and origin in widget_origins_all()
