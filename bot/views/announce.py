"""The policy announcement posted to a channel: Japanese, then English (both audiences
read one message), and the App Home's short policy section. Pure."""

from __future__ import annotations

from bot.domain.policy import Policy
from bot.i18n import t
from bot.views.common import Block, context, divider, header, section
from bot.views.mrkdwn import escape


def announcement(policy: Policy) -> tuple[str, list[Block]]:
    blocks: list[Block] = []
    for lang in ("ja", "en"):
        if blocks:
            blocks.append(divider())
        blocks.append(header(t(lang, "hr.announce.title")))
        blocks.append(section(t(lang, "hr.announce.body")))
    version = escape(policy.version)
    blocks.append(
        context(
            t("ja", "home.policy_version", version=version)
            + " / "
            + t("en", "home.policy_version", version=version)
        )
    )
    return f"{t('ja', 'hr.announce.title')} / {t('en', 'hr.announce.title')}", blocks


def home_policy(lang: str) -> list[Block]:
    """For everyone's App Home: what it is, how to report, confidential, no disadvantage."""
    return [section(f"*{t(lang, 'hr.announce.home_title')}*\n{t(lang, 'hr.announce.body')}")]
