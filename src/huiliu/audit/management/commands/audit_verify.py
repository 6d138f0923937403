from django.core.management.base import BaseCommand, CommandError

from huiliu.audit.queries import find_first_broken_event


class Command(BaseCommand):
    help = "Check the audit hash chain; name the first row that was altered, inserted or removed."

    def handle(self, *args, **options):
        broken, checked = find_first_broken_event()
        if broken is not None:
            raise CommandError(f"审计链在第 {broken} 条记录处断裂（此前 {checked} 条完好）：该记录或其前一条被改动、插入或删除。")
        self.stdout.write(f"审计链完好：共 {checked} 条记录。")
