import time

from django.core.management.base import BaseCommand, CommandError

from huiliu.linkage import model
from huiliu.linkage.files import UnreadableFile, read_records, write_pairs
from huiliu.linkage.matcher import link_tables


class Command(BaseCommand):
    help = ("Find the same persons in two CSV files (姓名/name, 身份证号/id_number, 出生日期/birth_date, "
            "性别/sex, 户籍县/county) and write each pair with its score and reason.")

    def add_arguments(self, parser):
        parser.add_argument("a", help="the first CSV file")
        parser.add_argument("b", help="the second CSV file")
        parser.add_argument("--out", required=True, help="where to write the pairs (CSV)")
        parser.add_argument("--link-score", type=float, default=model.LINK_SCORE,
                            help=f"link at or above this score (default {model.LINK_SCORE})")
        parser.add_argument("--review-score", type=float, default=model.REVIEW_SCORE,
                            help=f"review from this score up to the link score (default {model.REVIEW_SCORE})")

    def handle(self, *args, a, b, out, link_score, review_score, **options):
        if review_score > link_score:
            raise CommandError("--review-score 不能高于 --link-score。")
        started = time.perf_counter()
        try:
            left, right = read_records(a), read_records(b)
        except UnreadableFile as error:
            raise CommandError(str(error)) from None
        pairs = link_tables(left, right, link_score=link_score, review_score=review_score)
        write_pairs(out, pairs, left, right)
        decisions = pairs.column("decision").to_pylist()
        links, reviews = decisions.count("link"), decisions.count("review")
        self.stdout.write(
            f"{left.num_rows:,} 条与 {right.num_rows:,} 条记录：自动关联 {links:,} 对，待复核 {reviews:,} 对；"
            f"已写入 {out}（用时 {time.perf_counter() - started:.2f} 秒）。"
        )
