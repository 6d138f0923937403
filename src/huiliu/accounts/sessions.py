"""Session policy: an absolute lifetime on top of the idle timeout, and forced password change."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect

LOGIN_AT = "huiliu_login_at"


@receiver(user_logged_in)
def _stamp_login_time(sender, request, user, **kwargs):
    # Every way of logging in passes here, so every session gets its absolute lifetime.
    request.session[LOGIN_AT] = time.time()


class SessionLifetimeMiddleware:
    """End a session that has lived longer than HUILIU_SESSION_ABSOLUTE_SECONDS, however active."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(LOGIN_AT)
            if started is None or time.time() - started > settings.HUILIU_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Send a user with a temporary password to the password page before anything else."""

    allowed_prefixes = ("/accounts/", "/static/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password and not request.path.startswith(self.allowed_prefixes):
            return redirect("accounts:password_change")
        return self.get_response(request)
