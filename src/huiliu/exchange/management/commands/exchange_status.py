from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.core import signing
from huiliu.exchange import queries, routing


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


class Command(BaseCommand):
    help = "Show this deployment's name, served prefixes and public key, and the outbox per peer."

    def handle(self, *args, **options):
        write = self.stdout.write
        write(_("Deployment: %(name)s") % {"name": settings.HUILIU_DEPLOYMENT})
        write(_("Serves prefixes: %(prefixes)s")
              % {"prefixes": ",".join(routing.served_prefixes()) or _("all codes (no peer needed)")})
        write(_("Public key: %(key)s") % {"key": signing.public_key_text()})
        rows = queries.count_queue()
        if not rows:
            write(_("No peers configured."))
        for row in rows:
            peer = row["peer"]
            if peer is None:
                write(_("Without a route:"))
            else:
                state = [peer.prefixes or "—"] + ([_("hub")] if peer.is_hub else []) + (
                    [] if peer.active else [_("disabled")])
                write(f"{peer.name}  {peer.base_url}  [{', '.join(state)}]")
            write("  " + _("waiting %(waiting)d, delivered %(delivered)d, oldest waiting %(oldest)s, "
                           "most attempts %(attempts)s")
                  % {"waiting": row["waiting"], "delivered": row["delivered"], "oldest": _when(row["oldest_waiting"]),
                     "attempts": row["attempts"] if row["attempts"] is not None else "—"})
            if row["last_error"]:
                write("  " + _("last error: %(error)s") % {"error": row["last_error"]})
