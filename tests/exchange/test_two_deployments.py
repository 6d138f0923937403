"""Two real deployments on loopback, each a gunicorn server with its own SQLite database, set up with the CLI.

A serves Shandong (37), where the person's household is; B serves Guangdong (44),
where the person now lives. The journey: an arrival registered on B reaches A as
an inflow notice, A answers it, and the answer stops B's clock; then A goes down
while B has something for it, nothing is lost, and it arrives once when A is back;
and A refuses a replayed request, a wrong key and a stranger, and keeps each
refusal in its audit trail.
"""

import base64
import concurrent.futures
import datetime
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from huiliu.exchange import federation
from tests import factories as f

BIN = Path(sys.executable).parent
HUILIU = [str(BIN / "huiliu")] if (BIN / "huiliu").exists() else [sys.executable, "-m", "huiliu.manage"]
GUNICORN = [str(BIN / "gunicorn")] if (BIN / "gunicorn").exists() else [sys.executable, "-m", "gunicorn"]

ORIGIN_TOWNSHIP = f.township(f.ORIGIN_COUNTY)
ORIGIN_VILLAGE = f.village(f.ORIGIN_COUNTY)
DESTINATION_TOWNSHIP = f.township(f.DESTINATION_COUNTY)
DESTINATION_VILLAGE = f.village(f.DESTINATION_COUNTY)
DIVISIONS = f"""code,name
370000000000,山东省
370100000000,济南市
{f.ORIGIN_COUNTY},章丘区
{ORIGIN_TOWNSHIP},章丘区第1镇
{ORIGIN_VILLAGE},章丘区第1镇第1村
440000000000,广东省
440300000000,深圳市
{f.DESTINATION_COUNTY},宝安区
{DESTINATION_TOWNSHIP},宝安区第1镇
{DESTINATION_VILLAGE},宝安区第1镇第1村
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


class Deployment:
    """One Huiliu deployment: a directory, a database, the `huiliu` CLI and a gunicorn server."""

    def __init__(self, name: str, prefixes: str, root: Path):
        self.name, self.prefixes, self.root = name, prefixes, root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = root / "huiliu.sqlite3"
        self.server: subprocess.Popen | None = None
        self.tokens: dict[str, str] = {}
        root.mkdir()
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("HUILIU_", "DJANGO_"))}
        self.env.update({
            "HUILIU_DATABASE_URL": f"sqlite:///{self.database}", "HUILIU_VAR_DIR": str(root),
            "HUILIU_DEPLOYMENT": name, "HUILIU_EXCHANGE_PREFIXES": prefixes,
            "HUILIU_SECRET_KEY": f"test-secret-{name}-{os.getpid()}", "HUILIU_ALLOWED_HOSTS": "127.0.0.1",
        })

    def cli(self, *args: str) -> str:
        done = subprocess.run([*HUILIU, *args], env=self.env, cwd=self.root, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, f"{self.name}: huiliu {' '.join(args)}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def set_up(self, users: dict[str, tuple[str, int]]) -> str:
        """Migrate, load the divisions, create the users with their API tokens; return the public key."""
        self.cli("migrate", "--no-input", "-v", "0")
        (self.root / "divisions.csv").write_text(DIVISIONS, encoding="utf-8")
        self.cli("load_divisions", str(self.root / "divisions.csv"))
        for username, (role, code) in users.items():
            self.cli("create_user", username, "--role", role, "--jurisdiction", str(code))
            self.tokens[username] = self.cli("create_api_token", username).strip()
        return self.cli("exchange_key").strip()

    def start(self) -> None:
        with open(self.root / "server.log", "ab") as log:  # the server keeps its own copy of the handle
            self.server = subprocess.Popen(
                [*GUNICORN, "huiliu.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
                 "--graceful-timeout", "2", "--no-control-socket"],
                env=self.env, cwd=self.root, stdout=log, stderr=log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.server.poll() is None, f"{self.name} did not start:\n{self.log()}"
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=1):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        raise AssertionError(f"{self.name} did not answer within 20 s:\n{self.log()}")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.server = None

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def api(self, method: str, path: str, user: str, data: dict | None = None) -> tuple[int, dict | list]:
        request = urllib.request.Request(
            f"{self.url}/api{path}", method=method, data=json.dumps(data).encode() if data is not None else None,
            headers={"Authorization": f"Bearer {self.tokens[user]}", "Content-Type": "application/json"})
        return send(request)

    def rows(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as connection:
            return connection.execute(sql, params).fetchall()

    def copies_of(self, message_id: uuid.UUID) -> int:
        return self.rows("SELECT count(*) FROM exchange_message WHERE id = ?", message_id.hex)[0][0]


def send(request: urllib.request.Request) -> tuple[int, dict | list]:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def post_to_inbox(deployment: Deployment, body: bytes, headers: dict) -> tuple[int, dict]:
    return send(urllib.request.Request(f"{deployment.url}{federation.INBOX_PATH}", data=body, headers=headers,
                                       method="POST"))


@pytest.fixture
def deployments(tmp_path):
    origin = Deployment("A", "37", tmp_path / "A")
    destination = Deployment("B", "44", tmp_path / "B")
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            origin_key = pool.submit(origin.set_up, {"origin-township": ("township_officer", ORIGIN_TOWNSHIP)})
            # One officer a side keeps the setup short: the township registers arrivals in its villages too.
            destination_key = pool.submit(destination.set_up,
                                          {"dest-township": ("township_officer", DESTINATION_TOWNSHIP)})
            origin_key, destination_key = origin_key.result(), destination_key.result()
        origin.cli("exchange_peer", "add", "B", destination.url, destination_key, "--prefixes", "44")
        destination.cli("exchange_peer", "add", "A", origin.url, origin_key, "--prefixes", "37")
        origin.start()
        destination.start()
        yield origin, destination
    finally:
        origin.stop()
        destination.stop()


def register_arrival(destination: Deployment, name: str) -> dict:
    status, migration = destination.api("POST", "/arrivals", "dest-township", {
        "id_number": f.id_number(), "name": name, "household_code": ORIGIN_VILLAGE,
        "arrival_date": (datetime.date.today() - datetime.timedelta(days=3)).isoformat(),
        "residence_code": DESTINATION_VILLAGE, "address": "宝安大道 100 号 3 栋 502", "residence_type": "rented",
    })
    assert status == 201, migration
    return migration


def push(deployment: Deployment, *options: str) -> tuple[list[int], str]:
    """Run `huiliu exchange_push`; the (delivered, failed) of its summary line, and all it said."""
    output = deployment.cli("exchange_push", *options)
    return numbers(output.strip().splitlines()[-1]), output


def test_two_deployments_exchange_a_notice_and_its_answer_survive_an_outage_and_refuse_forgeries(deployments):
    origin, destination = deployments

    # An arrival on B sends its inflow notice to A's township; B's outbox holds it until pushed.
    register_arrival(destination, "刘洋")
    status, sent = destination.api("GET", "/exchange/outbox", "dest-township")
    assert status == 200 and [m["message_type"] for m in sent["items"]] == ["inflow_notice"]
    notice_id = sent["items"][0]["id"]
    assert push(destination)[0] == [1, 0]

    status, inbox = origin.api("GET", "/exchange/inbox", "origin-township")
    assert status == 200, inbox
    assert [(m["id"], m["person_name"], m["sender_code"]) for m in inbox["items"]] == [
        (notice_id, "刘洋", DESTINATION_TOWNSHIP)]

    # A answers; pushed back, the answer stops the clock of B's notice.
    status, answer = origin.api("POST", f"/exchange/messages/{notice_id}/answer", "origin-township",
                                {"result": "confirmed", "note": "户籍地已核实。"})
    assert status == 201, answer
    assert push(origin)[0] == [1, 0]
    status, notice = destination.api("GET", f"/exchange/messages/{notice_id}", "dest-township")
    assert (notice["status"], notice["answer_id"]) == ("answered", answer["id"])
    assert notice["answered_at"] is not None

    # A is down while B has another notice for it: the attempt fails, the notice waits.
    origin.stop()
    register_arrival(destination, "陈静")
    counts, said = push(destination)
    assert counts == [0, 1], said
    [(stored_id, attempts, error, next_attempt, delivered)] = destination.rows(
        "SELECT m.id, e.attempts, e.last_error, e.next_attempt_at, e.delivered_at FROM exchange_outboxentry e "
        "JOIN exchange_message m ON m.id = e.message_id WHERE e.delivered_at IS NULL")
    second_id = uuid.UUID(stored_id)
    assert attempts == 1 and error and delivered is None
    assert next_attempt > datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert push(destination)[0] == [0, 0]  # backing off: not tried again at once
    assert error in destination.cli("exchange_status")

    # A is back: pushed without waiting out the backoff, the notice arrives once.
    origin.start()
    assert push(destination, "--ignore-backoff")[0] == [1, 0]
    assert push(destination, "--ignore-backoff")[0] == [0, 0]
    status, inbox = origin.api("GET", "/exchange/inbox", "origin-township")
    assert sorted(m["person_name"] for m in inbox["items"]) == ["刘洋", "陈静"]
    assert origin.copies_of(second_id) == 1

    # B's own signed request for that notice: taken as a duplicate once, refused as a replay after.
    request = json.loads(destination.cli("shell", "-c", (
        "import base64, json\n"
        "from huiliu.exchange import federation\n"
        "from huiliu.exchange.models import OutboxEntry\n"
        f"entry = OutboxEntry.objects.get(message_id='{second_id}')\n"
        "url, body, headers = federation.signed_request(entry)\n"
        "print(json.dumps({'body': base64.b64encode(body).decode(), 'headers': headers}))\n")).strip().splitlines()[-1])
    body, headers = base64.b64decode(request["body"]), request["headers"]
    assert post_to_inbox(origin, body, headers) == (200, {"id": str(second_id), "duplicate": True})
    status, refused = post_to_inbox(origin, body, headers)
    assert status == 403 and refused["detail"]
    assert origin.copies_of(second_id) == 1

    # Signed with a key that is not B's, or by a deployment A does not know: refused.
    stranger = Ed25519PrivateKey.generate()
    assert post_to_inbox(origin, body, federation.sign(body, recipient="A", key=stranger, sender="B"))[0] == 403
    assert post_to_inbox(origin, body, federation.sign(body, recipient="A", key=stranger, sender="C"))[0] == 403

    refusals = sorted((username, json.loads(detail)["reason"]) for username, detail in origin.rows(
        "SELECT username, detail FROM audit_auditevent WHERE event = 'exchange_refused' AND outcome = 'denied'"))
    assert refusals == [("peer:B", "bad_signature"), ("peer:B", "replayed_nonce"), ("peer:C", "unknown_peer")]
    assert "exchange_refused" not in destination.rows("SELECT group_concat(event) FROM audit_auditevent")[0][0]
    origin.cli("audit_verify")  # the refusals are links of an intact chain
    assert "Refused a request from peer 'C'" in origin.log()
