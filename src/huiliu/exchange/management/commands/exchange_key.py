from django.core.management.base import BaseCommand

from huiliu.core import signing


class Command(BaseCommand):
    help = "Print this deployment's exchange public key (creating the key on first use), for its peers to configure."

    def handle(self, *args, **options):
        self.stdout.write(signing.public_key_text())
