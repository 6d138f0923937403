"""Audit rows for logins, failed logins, lockouts and logouts."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_event(actor=user, event="login")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(actor=user, event="logout")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record_event(
        actor=None, event="login_failed", outcome=AuditEvent.Outcome.FAILED, username=credentials.get("username", "")
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    record_event(actor=None, event="lockout", outcome=AuditEvent.Outcome.DENIED, username=username or "")
