from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huiliu.core.errors import ValidationFailed
from huiliu.exchange import actions
from huiliu.exchange.models import Peer


class Command(BaseCommand):
    help = "Configure the peer deployments this one exchanges messages with: add (or replace), list, disable."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        add = commands.add_parser("add", help="trust a peer, or replace its address, key or prefixes")
        add.add_argument("name", help="the peer's HUILIU_DEPLOYMENT name")
        add.add_argument("url", help="where the peer listens, e.g. https://huiliu.example.gov.cn")
        add.add_argument("public_key", help="what `huiliu exchange_key` prints on the peer")
        add.add_argument("--prefixes", default="", help="division-code prefixes the peer serves, e.g. 37,41")
        add.add_argument("--hub", action="store_true", help="route every code no other peer serves to this peer")
        commands.add_parser("list", help="list the peers")
        disable = commands.add_parser("disable", help="stop trusting a peer and sending to it")
        disable.add_argument("name")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationFailed as failure:
            # Each message names its field already.
            raise CommandError("\n".join(m for ms in failure.errors.values() for m in ms)) from None

    def _add(self, *, name, url, public_key, prefixes, hub, **options):
        peer, created = actions.add_peer(acting_user=None, name=name, base_url=url, public_key=public_key,
                                         prefixes=prefixes, is_hub=hub)
        self.stdout.write((_("Added peer %(name)s.") if created else _("Updated peer %(name)s.")) % {"name": peer.name})

    def _list(self, **options):
        peers = Peer.objects.order_by("name")
        if not peers:
            self.stdout.write(_("No peers configured."))
        for peer in peers:
            state = [_("active") if peer.active else _("disabled")] + ([_("hub")] if peer.is_hub else [])
            self.stdout.write(f"{peer.name}  {peer.base_url}  {peer.prefixes or '—'}  {', '.join(state)}  "
                              f"{peer.public_key}")

    def _disable(self, *, name, **options):
        peer = Peer.objects.filter(name=name).first()
        if peer is None:
            raise CommandError(_("No peer is named %(name)s.") % {"name": name})
        actions.disable_peer(acting_user=None, peer=peer)
        self.stdout.write(_("Disabled peer %(name)s.") % {"name": name})
