from django.core.management.base import BaseCommand, CommandError

from huiliu.accounts.actions import issue_api_token
from huiliu.accounts.models import User


class Command(BaseCommand):
    help = "Issue an API token for a user; the token is shown once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--label", default="")

    def handle(self, *args, username, days, label, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有可用的账户 {username}。")
        self.stdout.write(issue_api_token(acting_user=None, user=user, label=label, days=days))
