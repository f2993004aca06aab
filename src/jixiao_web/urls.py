"""URL map of the 预算绩效管理信息系统."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from jixiao_web.api import views as api_views
from jixiao_web.api.api import api
from jixiao_web.core import views as core_views
from jixiao_web.core.forms import LoginForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("jixiao_web.datasets.urls")),
    path("", include("jixiao_web.evaluation.urls")),
    path("", include("jixiao_web.audit.urls")),
    path("", include("jixiao_web.workflow.urls")),
    path("", include("jixiao_web.targets.urls")),
    path("", include("jixiao_web.assessment.urls")),
    path("", include("jixiao_web.monitor.urls")),
    path("", include("jixiao_web.results.urls")),
    path("", include("jixiao_web.region.urls")),
    path("health/", core_views.health, name="health"),
    path("", include("jixiao_web.disclosure.urls")),
    path("api/", api.urls),
    path("account/api-tokens/", api_views.token_page, name="api_tokens"),
]

handler400 = "jixiao_web.core.views.bad_request"
handler403 = "jixiao_web.core.views.forbidden"
handler404 = "jixiao_web.core.views.not_found"
handler500 = "jixiao_web.core.views.server_error"
