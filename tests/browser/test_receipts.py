"""Attendance receipts in real browsers: the lead turns them on, a phone that attended downloads one
from its take-home page, and someone else checks it on /verify (pasted, by its QR code's link, or
as the file), accessible at every step."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from config import TestConfig
from facilitator import create_app
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.receipts.services import find_code
from facilitator.sessions.models import Participant

from ..conftest import IN_CI, LAPTOP, PHONE, SCREENSHOTS, screenshot
from .a11y import assert_accessible, checked_context
from .test_checkin_round import sign_in_and_start_session

pytestmark = pytest.mark.browser


def let_in_earlier(live_server, name: str, minutes: int) -> None:
    """Move the participant's time of being let in back by `minutes`, in the server's database."""
    config = TestConfig()
    config.INSTANCE_DIR = live_server.instance_dir
    config.SQLALCHEMY_DATABASE_URI = live_server.database_url
    app = create_app(config)
    with app.app_context():
        participant = db.session.scalar(select(Participant).where(Participant.display_name == name))
        participant.admitted_at = utcnow() - timedelta(minutes=minutes)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def draw_first_page(pdf_path, name: str) -> None:
    """The receipt as a picture for the README (pdftoppm, from Debian's poppler-utils)."""
    if shutil.which("pdftoppm") is None:
        if IN_CI:
            pytest.fail("pdftoppm is missing; `make test` installs poppler-utils.")
        return
    subprocess.run(
        # The top of the A4 page, where all of it is.
        [
            "pdftoppm",
            "-png",
            "-r",
            "90",
            "-W",
            "744",
            "-H",
            "700",
            "-singlefile",
            str(pdf_path),
            str(SCREENSHOTS / name),
        ],
        check=True,
    )


def test_a_receipt_made_on_the_phone_and_checked_by_someone_else(live_server, new_context, tmp_path):
    laptop = new_context().new_page()
    laptop.on("dialog", lambda dialog: dialog.accept())
    join_link = sign_in_and_start_session(live_server, laptop)
    console_url = laptop.url

    # The lead turns receipts on, on the group's form.
    laptop.goto(live_server.url + "/groups/")
    laptop.get_by_role("link", name="Thursday Circle").first.click()
    laptop.get_by_role("link", name="Edit group").click()
    receipts_box = laptop.get_by_label("Let participants download a signed attendance receipt")
    expect(receipts_box).not_to_be_checked()
    receipts_box.check()
    laptop.get_by_role("button", name="Save changes").click()
    expect(laptop.get_by_text("Changes saved.")).to_be_visible()

    phone = checked_context(new_context, PHONE).new_page()
    phone.goto(join_link)
    phone.get_by_label("What should the group call you?").fill("Bo")
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.locator("#connection")).to_have_text("Connected")
    let_in_earlier(live_server, "Bo", 96)

    laptop.goto(console_url)
    laptop.get_by_role("button", name="End session").click()
    expect(phone.get_by_role("heading", name="The session has ended")).to_be_visible()
    phone.get_by_role("link", name="Something to take home").click()

    # The take-home page offers the receipt: no name unless typed, the room's name not filled in.
    offer = phone.locator("#attendance-receipt")
    expect(offer.get_by_role("heading", name="Proof you were here")).to_be_visible()
    expect(offer).to_contain_text("you were here for about 1 h 35 min")
    name_field = phone.get_by_label("Name to print on it (optional)")
    expect(name_field).to_have_value("")
    assert_accessible(phone, "the take-home page with a receipt to download")
    name_field.fill("Sam Lee")
    offer.screenshot(path=str(SCREENSHOTS / "attendance-receipt-offer.png"))
    with phone.expect_download() as download_info:
        phone.get_by_role("button", name="Download receipt (PDF)").click()
    pdf_path = tmp_path / "receipt.pdf"
    download_info.value.save_as(pdf_path)
    assert download_info.value.suggested_filename.startswith("attendance-receipt-")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf_path).pages).split())
    for expected in ("Group Thursday Circle", "Time attended 1 h 35 min", "Name Sam Lee"):
        assert expected in text, expected
    assert not re.search(r"\bBo\b", text)
    draw_first_page(pdf_path, "attendance-receipt")
    code = find_code(pdf_path.read_bytes())
    assert code

    # Someone else (a programme's coordinator, say) opens the QR code's link: the code comes in
    # the fragment, which the server never sees, and is put in the form.
    checker = checked_context(new_context, LAPTOP).new_page()
    checker.goto(f"{live_server.url}/verify#{code}")
    expect(checker.get_by_label("Receipt code")).to_have_value(code)
    assert "#" not in checker.url
    expect(checker.get_by_role("button", name="Check receipt")).to_be_focused()
    checker.get_by_role("button", name="Check receipt").click()
    expect(checker.get_by_role("heading", name="This receipt is genuine")).to_be_focused()
    expect(checker.locator("#receipt-group")).to_have_text("Thursday Circle")
    expect(checker.locator("#receipt-minutes")).to_have_text("about 1 h 35 min, to the nearest 5 minutes")
    expect(checker.locator("#receipt-name")).to_contain_text("Sam Lee")
    page_text = checker.locator("main").inner_text()
    assert not re.search(r"\bBo\b", page_text)
    assert_accessible(checker, "a genuine receipt on /verify")
    screenshot(checker, "receipt-verify")

    # The PDF itself, chosen as a file.
    checker.get_by_label("Or choose the receipt's PDF").set_input_files(pdf_path)
    checker.get_by_role("button", name="Check receipt").click()
    expect(checker.get_by_role("heading", name="This receipt is genuine")).to_be_visible()

    # One character changed: not confirmed, kindly.
    changed = code[:-1] + ("A" if code[-1] != "A" else "B")
    checker.get_by_label("Receipt code").fill(changed)
    checker.get_by_role("button", name="Check receipt").click()
    expect(checker.get_by_role("heading", name="We couldn't confirm this receipt")).to_be_visible()
    expect(checker.locator("#receipt-group")).to_have_count(0)
    assert_accessible(checker, "a changed receipt on /verify")
