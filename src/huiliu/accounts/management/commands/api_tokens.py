from django.core.management.base import BaseCommand, CommandError

from huiliu.accounts.actions import revoke_api_token
from huiliu.accounts.models import ApiToken, User
from huiliu.accounts.queries import list_api_tokens
from huiliu.core.models import is_uuid


class Command(BaseCommand):
    help = "List a user's API tokens (label, issued, expires, last used, revoked), or revoke one by its id."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--revoke", metavar="TOKEN_ID", help="the id shown in the list")

    def handle(self, *args, username, revoke, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有账户 {username}。")
        if revoke:
            token = ApiToken.objects.filter(user=user, pk=revoke).first() if is_uuid(revoke) else None
            if token is None:
                raise CommandError(f"账户 {username} 没有编号为 {revoke} 的令牌。")
            revoke_api_token(acting_user=None, token=token)
            self.stdout.write(f"已撤销令牌 {token.pk}。")
            return
        for token in list_api_tokens(user):
            self.stdout.write("\t".join([
                str(token.pk), token.label or "-", _when(token.created_at), _when(token.expires_at),
                _when(token.last_used_at), "已撤销" if token.revoked_at else "有效",
            ]))


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"

