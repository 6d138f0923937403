import secrets

from django.core.management.base import BaseCommand, CommandError

from huiliu.accounts.actions import create_user
from huiliu.accounts.models import Role
from huiliu.core.errors import ValidationFailed
from huiliu.jurisdictions.codes import parse_code


class Command(BaseCommand):
    help = "Create an account with one role at a jurisdiction; prints a temporary password to change at first login."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="display name")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--jurisdiction", required=True, help="12-digit division code")

    def handle(self, *args, username, name, role, jurisdiction, **options):
        password = secrets.token_urlsafe(9) + "a1!"
        try:
            create_user(acting_user=None, username=username, display_name=name, password=password,
                        role=Role(role), jurisdiction_code=parse_code(jurisdiction))
        except ValidationFailed as failure:
            raise CommandError("；".join(m for ms in failure.errors.values() for m in ms)) from None
        self.stdout.write(f"已创建 {username}，临时密码：{password}（首次登录须修改）")
