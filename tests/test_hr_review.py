"""The policy review report (/ch-cases review) and the policy announcement
(/ch-cases announce), end to end through the bot's endpoint: the PDF arrives by DM,
its pages render, its text is Japanese (the font is embedded, not tofu), and the
announcement is posted, recorded, listed in the report and summarised on the App Home."""

from __future__ import annotations

import io
import re
from pathlib import Path

import sqlite_utils

from bot.clock import FixedClock
from bot.demo.harness import Harness
from bot.i18n import t
from db.rows import iso
from db.sealed import seal
from slacksim import BOT_USER_ID
from tests.hr_common import ask, ephemeral_texts, jst, seed_known_cases
from tests.test_home import _home

PDF = b"%PDF-"
LESSON = "電話口で大声を出された場合は、2回警告したうえで上長に代わる手順をマニュアルに追記した。"


async def _lesson(h: Harness, case_no: str) -> None:
    def add(db: sqlite_utils.Database) -> None:
        case_id = db.execute("SELECT id FROM cases WHERE case_no = ?", [case_no]).fetchone()[0]
        db.table("case_steps").insert({"case_id": case_id, "step_id": "prevent_recurrence",
            "done_at": iso(jst(2026, 11, 25, 9, 0)), "done_by": h.cast.responder,
            "note": seal(db, "case_steps.note", LESSON)})  # fmt: skip

    await h.bot.ctx.store.run(add)


async def _review(h: Harness, user: str, text: str) -> bytes:
    before = len(h.sim.files)
    reply = await h.slash("/ch-cases", user, text)
    assert reply.status == 200
    await h.sim.wait_for(lambda s: len(s.files) > before, timeout=30)
    f = h.sim.files[-1]
    assert f.channel_id == h.sim.dm_channel(user) and f.data is not None
    assert f.data.startswith(PDF)
    return f.data


def _pages(pdf: bytes, out: str) -> list[str]:
    """Every page rendered to PNG (kept in /tmp to be looked at); the pages' text."""
    import pypdfium2
    from pypdf import PdfReader

    doc = pypdfium2.PdfDocument(pdf)
    for i in range(len(doc)):
        image = doc[i].render(scale=1.4).to_pil()
        assert image.getbbox() is not None  # something is drawn
        image.save(Path("/tmp") / f"{out}-{i + 1}.png")
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


async def test_review_pdf_in_japanese(h: Harness, clock: FixedClock) -> None:
    ids = await seed_known_cases(h, clock)
    await _lesson(h, ids["A"])

    def at_the_store(db: sqlite_utils.Database) -> None:
        # The site a "happening now" tap records (m170); the seeded cases are full reports.
        db.execute("UPDATE cases SET site = '渋谷店' WHERE case_no = ?", [ids["A"]])

    await h.bot.ctx.store.run(at_the_store)
    h.sim.users[h.cast.hr].locale = "ja-JP"
    pdf = await _review(h, h.cast.hr, "review 2026")
    text = "\n".join(_pages(pdf, "h14b-review-ja"))
    assert re.search(r"渋谷店\s*1件", text) and re.search(r"拠点の記録なし\s*3件", text)
    for heading in ("カスタマーハラスメント対応方針 年次見直し報告書", "分類別", "連絡手段別",
                    "重大度別", "繰り返し報告された顧客", "受付と完了までの時間", "講じた措置",
                    "従業員のケア", "完了時に記録された教訓", "方針とそのバージョン",
                    "周知: 方針のお知らせ"):  # fmt: skip
        assert heading in text, heading
    assert "報告件数" in text and "4件" in text
    assert "複数の案件で報告された顧客: 1人（案件は計3件）" in text
    assert "4件中1件（25%）" in text  # acknowledged within target, of those due
    assert "マニュアルに追記" in text  # the lesson learned, unsealed
    assert h.bot.ctx.policy.version in text  # the policy version the cases used
    assert "090" not in text  # never a customer identifier
    # "working on it" at once; the audit log names the review.
    assert any("見直し報告書を作成しています" in m for m in ephemeral_texts(h, h.cast.hr))


async def test_review_pdf_in_english_and_bad_period(h: Harness, clock: FixedClock) -> None:
    await seed_known_cases(h, clock)
    pdf = await _review(h, h.cast.hr, "review 2026-11")
    text = "\n".join(_pages(pdf, "h14b-review-en"))
    assert "Annual policy review: customer harassment" in text
    assert "Customers named in more than one case: 1 customer (2 cases in all)" in text
    assert "No site recorded" not in text  # no case recorded a site: no table of them
    assert "Only a report made with “Happening now — I need help” asks where the employee" in text
    assert "1 of 3 (33%)" in text
    await ask(h, h.cast.hr, "review soon", wait_dm=False)
    await h.sim.wait_for(lambda s: any("Please give a year or a period" in str(r.body.get("text"))
                                       for r in s.responses))  # fmt: skip


async def test_review_is_for_hr_only(h: Harness, clock: FixedClock) -> None:
    await seed_known_cases(h, clock)
    await ask(h, h.cast.employee, "review 2026", wait_dm=False)
    lang = await h.bot.ctx.people.lang(h.cast.employee)
    await h.sim.wait_for(lambda s: ephemeral_texts(h, h.cast.employee) == [t(lang, "hr.refuse")])
    assert h.sim.files == []


async def test_announce_posts_records_and_is_listed(h: Harness, clock: FixedClock) -> None:
    h.sim.add_channel("C0GENERAL1", "general", members=[h.cast.employee, BOT_USER_ID])
    h.sim.add_channel("C0NOBOT001", "random", members=[h.cast.employee])
    clock.set(jst(2026, 10, 1, 9, 30))
    await ask(h, h.cast.hr, "announce <#C0NOBOT001|random>", wait_dm=False)
    await h.sim.wait_for(lambda s: any("I am not a member of <#C0NOBOT001>" in m
                                       for m in ephemeral_texts(h, h.cast.hr)))  # fmt: skip
    await ask(h, h.cast.hr, "announce <#C0GENERAL1|general>", wait_dm=False)
    await h.sim.wait_for(lambda s: any("The policy announcement is posted in <#C0GENERAL1>" in m
                                       for m in ephemeral_texts(h, h.cast.hr)))  # fmt: skip
    posted = [m for m in h.sim.all_messages if m.channel == "C0GENERAL1"]
    assert len(posted) == 1 and not [m for m in h.sim.all_messages if m.channel == "C0NOBOT001"]
    body = str(posted[0].blocks)
    assert "カスタマーハラスメントとは" in body and "What customer harassment is" in body
    assert "不利益な取扱いはありません" in body and "No retaliation" in body
    assert "秘密は守られます" in body and "Confidential" in body

    def rows(db: sqlite_utils.Database) -> list[tuple[str, str, str]]:
        return db.execute("SELECT at, channel, channel_name FROM announcements").fetchall()

    assert await h.bot.ctx.store.run(rows) == [
        (iso(jst(2026, 10, 1, 9, 30)), "C0GENERAL1", "general")
    ]
    await ask(h, h.cast.hr, "announce general", wait_dm=False)  # not a channel mention
    await h.sim.wait_for(lambda s: any("/ch-cases announce #channel" in m
                                       for m in ephemeral_texts(h, h.cast.hr)))  # fmt: skip

    clock.set(jst(2026, 11, 27, 10, 0))
    text = "\n".join(_pages(await _review(h, h.cast.hr, "review 2026"), "h14b-review-ann"))
    version = h.bot.ctx.policy.version  # the version in force when it was posted
    assert f"2026-10-01 09:30 · #general · version {version}" in text

    # Everyone's App Home summarises the policy.
    _, home = await _home(h, h.cast.employee)
    lang = await h.bot.ctx.people.lang(h.cast.employee)
    assert t(lang, "hr.announce.home_title") in home
    assert t(lang, "hr.announce.body").split("\n")[-1] in home  # no disadvantage
