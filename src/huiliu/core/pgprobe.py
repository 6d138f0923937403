"""Exit 0 when a PostgreSQL server answers at the URL given (used by `make test`)."""

import sys

import psycopg


def main(url: str) -> int:
    try:
        base = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(base, connect_timeout=3):
            return 0
    except psycopg.Error:
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
