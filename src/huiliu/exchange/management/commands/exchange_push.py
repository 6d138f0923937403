import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.exchange import federation


class Command(BaseCommand):
    help = "Send the queued messages that are due to the peers that serve their receivers; once, or in a loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep pushing until stopped (Ctrl-C)")
        parser.add_argument("--interval", type=float, default=30, help="seconds between rounds with --loop (30)")
        parser.add_argument("--ignore-backoff", action="store_true",
                            help="also send what is waiting for its next attempt (after a peer is back)")
        parser.add_argument("--limit", type=int, default=federation.PUSH_LIMIT, help="most messages per round")

    def handle(self, *args, loop, interval, ignore_backoff, limit, **options):
        if not loop:
            self._round(ignore_backoff, limit)
            return
        try:
            while True:
                try:
                    self._round(ignore_backoff, limit)
                except DatabaseError as error:
                    # A database that is briefly away must not end the loop: the next round tries again.
                    self.stderr.write(_("Database error, trying again next round: %(error)s") % {"error": error})
                # Long-running: drop a connection the database may have closed meanwhile.
                close_old_connections()
                time.sleep(max(interval, 1))
        except KeyboardInterrupt:
            self.stdout.write(_("Stopped."))

    def _round(self, ignore_backoff: bool, limit: int) -> None:
        result = federation.push_due(limit=limit, ignore_backoff=ignore_backoff)
        for attempt in result.attempts:
            entry = attempt.entry
            facts = {"type": entry.message.get_message_type_display(), "id": entry.message_id,
                     "peer": attempt.peer_name or "—"}
            if attempt.error:
                next_at = timezone.localtime(entry.next_attempt_at).strftime("%Y-%m-%d %H:%M:%S")
                self.stdout.write(_("Failed %(type)s %(id)s to %(peer)s: %(error)s (attempt %(attempts)d, next at "
                                    "%(next)s)") % {**facts, "error": attempt.error, "attempts": entry.attempts,
                                                   "next": next_at})
            else:
                self.stdout.write(_("Delivered %(type)s %(id)s to %(peer)s.") % facts)
        self.stdout.write(_("Delivered: %(delivered)d, failed: %(failed)d.")
                          % {"delivered": result.delivered, "failed": result.failed})
