from django.core.management.base import BaseCommand, CommandError

from huiliu.certificates.verification import signed_code_of


class Command(BaseCommand):
    help = "Print the signed QR code text of an issued voucher or certificate, e.g. to check it with verify_qr."

    def add_arguments(self, parser):
        parser.add_argument("number", help="the voucher or certificate number")

    def handle(self, *args, number, **options):
        code = signed_code_of(number.strip())
        if code is None:
            raise CommandError("未找到此编号的登记凭证或婚育情况证明。")
        self.stdout.write(code)
