"""The demo's documents: made through the real actions, and their QR codes verify with no database at all."""

import os
import sqlite3
import subprocess
import sys

import pytest

from huiliu.births.models import BirthRegistration, RegistrationStatus
from huiliu.certificates.models import ProxyApplication, ProxyStatus, StatusCertificate
from huiliu.exchange.models import Message, MessageType

from .conftest import PERSONS


def test_the_demo_holds_certificates_proxy_applications_and_confirmed_birth_registrations(demo):
    assert demo.counts["certificates"] == StatusCertificate.objects.filter(requested_by="in_person").count() > 0
    assert demo.counts["proxy_applications"] == ProxyApplication.objects.count() > 0
    assert ProxyApplication.objects.filter(status=ProxyStatus.ISSUED).count() == 1
    assert demo.counts["birth_registrations"] == BirthRegistration.objects.filter(
        status=RegistrationStatus.CONFIRMED).count() > 0
    # Made through the actions, so the exchange carried them like any other.
    assert Message.objects.filter(message_type=MessageType.PROXY_REQUEST).count() == demo.counts["proxy_applications"]
    assert Message.objects.filter(message_type=MessageType.PROXY_DECISION).count() == 1


def _huiliu(*args, env):
    return subprocess.run([sys.executable, "-m", "huiliu.manage", *args], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
def test_verify_qr_reads_a_demo_certificate_as_genuine_with_no_database(tmp_path):
    env = {**os.environ, "HUILIU_VAR_DIR": str(tmp_path), "HUILIU_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
           "HUILIU_SECRET_KEY": "demo-test"}
    for command in (("migrate", "--no-input", "-v", "0"), ("demo", "--persons", str(PERSONS), "--seed", "3")):
        done = _huiliu(*command, env=env)
        assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "demo.sqlite3") as database:
        (number,) = database.execute("SELECT number FROM certificates_statuscertificate ORDER BY number LIMIT 1").fetchone()
    printed = _huiliu("document_code", number, env=env)
    assert printed.returncode == 0, printed.stderr
    code = printed.stdout.strip()
    assert code.startswith("HZ1:")

    offline = {**env, "HUILIU_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    checked = _huiliu("verify_qr", code, env=offline)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "签名有效" in checked.stdout and number in checked.stdout
    assert "无法连接数据库" in checked.stdout

    tampered = _huiliu("verify_qr", code[:-3] + ("A" if code[-3] != "A" else "B") + code[-2:], env=offline)
    assert tampered.returncode != 0
    assert "签名有效" not in tampered.stdout
