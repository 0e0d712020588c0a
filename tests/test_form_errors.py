"""Invalid input is shown on the form, per field, in the person's language; nothing stored."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.harness import Harness
from slacksim.forms import report_values


async def submit(h: Harness, user: str, **changes: object) -> dict:  # type: ignore[type-arg]
    view = await h.open_form(user)
    base: dict[str, object] = dict(occurred_at=h.bot.ctx.clock.now(), contact="phone",
                                   categories=["verbal_abuse"], danger="over", narrative="x")
    base.update(changes)
    reply = await h.slack.submit_view(user, view, report_values(**base))  # type: ignore[arg-type]
    assert reply.status == 200
    body: dict = reply.json()  # type: ignore[type-arg]
    return body


async def test_each_error_is_shown_on_its_field(h: Harness) -> None:
    future = h.bot.ctx.clock.now() + timedelta(days=1)
    cases = [
        ({"occurred_at": future}, "occurred_at", "This is in the future"),
        ({"contact": None}, "contact_channel", "Please fill this in"),
        ({"categories": []}, "categories", "choose at least one"),
        ({"danger": None}, "danger", "Please fill this in"),
        ({"narrative": ""}, "narrative", "Please fill this in"),
        ({"customer": {"phone": "12"}}, "customer_phone", "phone number"),
        ({"customer": {"email": "nope"}}, "customer_email", "email address"),
        ({"links": "javascript:alert(1)"}, "evidence_links", "http://"),
    ]
    for changes, field, words in cases:
        body = await submit(h, h.cast.employee_en, **changes)
        assert body["response_action"] == "errors", field
        assert words in body["errors"][field], (field, body["errors"])
    assert h.sim.messages("C0RESPOND1") == []
    from db.outbox import pending_count

    assert await h.bot.ctx.store.run(pending_count) == 0


async def test_several_errors_at_once_in_japanese(h: Harness) -> None:
    body = await submit(h, h.cast.employee, categories=[], narrative="")
    assert set(body["errors"]) == {"categories", "narrative"}
    assert body["errors"]["narrative"] == "入力してください。"
