"""`ch-responder run | demo | check-config`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime

from bot.config import Config, ConfigError, load_config
from bot.domain.policy_file import PolicyError, load_policy
from bot.settings import Settings, SettingsError, load_settings

EXIT_CONFIG = 2


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Bolt and slack-sdk log request and response bodies at DEBUG: those carry report
    # text, so they stay at WARNING whatever our own level is.
    for noisy in ("slack_bolt", "slack_sdk", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _load(require_slack: bool = True) -> tuple[Settings, Config]:
    settings = load_settings(require_slack=require_slack)
    config = load_config(settings.config_path)  # [reminders] and [retention] included
    load_policy(config.policy_file)  # fail at start, not at the first report
    return settings, config


def _require_database() -> None:
    """`backup` and `rotate-key` work on an existing database; sqlite would create an
    empty one (rotate-key) or fail with a traceback (backup)."""
    db_path = load_settings(require_slack=False).db_path
    if not db_path.is_file():
        raise SettingsError(f"CH_DB: no database at {db_path} (has the bot run here yet?)")


def _on_duty(settings: Settings, config: Config, now: datetime) -> list[str]:
    """Who is on duty, by the bot's own rule (db.overrides: HR's overrides beat the
    schedule) read from its database; the schedule alone, said so, before it exists."""
    from db.overrides import Duty, duty_at, next_duty
    from db.store import open_read_only

    def line(name: str, duty: Duty, nxt: Duty) -> str:
        until = duty.until.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M %Z")
        by = " (HR override)" if duty.override else ""
        return f"{name}: {duty.member}{by} until {until}, then {nxt.member}"

    if not settings.db_path.is_file():
        lines = [f"on duty by the schedule alone (no database at {settings.db_path} yet, "
                 "so no HR overrides):"]
        for name, rotation in config.rotations.items():
            shift, nxt = rotation.shift_at(now), rotation.next_shift(now)
            lines.append(line(name, Duty(shift.member, shift.ends, False),
                              Duty(nxt.member, nxt.ends, False)))
        return lines
    db = open_read_only(settings.db_path)
    try:
        return [line(name, duty_at(db, r, now), next_duty(db, r, now))
                for name, r in config.rotations.items()]
    finally:
        db.conn.close()


def _responders_channel_private(settings: Settings, config: Config) -> bool:
    """Asks Slack; False (after one clear line on stderr) only if the channel is public.

    Offline (no network, Slack down) the check cannot be made: that is said, not hidden,
    and the rest of the configuration is still validated."""
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.slack.people import responders_channel_verdict
    from bot.slack.summoned_members import not_members

    client = AsyncWebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=settings.slack_timeout,  # type: ignore[arg-type]  # aiohttp takes fractions
    )
    private, why = asyncio.run(responders_channel_verdict(client, config.responders_channel))
    if private is not False:  # the people a case happening now asks to go (issue 11)
        warnings, unverified = asyncio.run(not_members(client, config))
        for line in warnings:
            print(line)
        if unverified:
            print(f"sites' supervisors and backup: NOT verified to be in the responders "
                  f"channel ({unverified})")
    if private is False:
        print(f"ch-responder: configuration error: responders_channel: {why}", file=sys.stderr)
        return False
    if private is None:
        print(f"responders channel: NOT verified to be private ({why}); the bot checks "
              "again at start")
    return True


def _policy_version_clash(settings: Settings, config: Config) -> None:
    """The check the bot makes at start (bot/flows/case/policy_version.py), made here
    against the database read-only: an edited policy that kept its version string."""
    import sqlite3

    from bot.domain.policy_file import parse_policy, read_policy
    from bot.domain.policy_versions import clash, content_hash
    from db.policy_versions import stored
    from db.store import open_read_only

    if not settings.db_path.is_file():
        return
    source, raw = read_policy(config.policy_file)
    version, digest = parse_policy(raw, source).version, content_hash(raw, source)
    db = open_read_only(settings.db_path)
    try:
        rows = stored(db)
    except sqlite3.OperationalError:  # a database from before versions were kept
        return
    finally:
        db.conn.close()
    for row in rows:
        if row.version == version and row.content_hash != digest:
            raise clash(source, version, row)


def check_config() -> int:
    settings, config = _load()
    _policy_version_clash(settings, config)
    if not _responders_channel_private(settings, config):
        return EXIT_CONFIG
    print(f"configuration OK: {settings.config_path}")
    print(
        f"responders channel: {config.responders_channel}; timezone: {config.timezone.key}; "
        f"default language: {config.language}"
    )
    for line in _on_duty(settings, config, datetime.now(config.timezone)):
        print(line)
    return 0


def run() -> int:
    settings, config = _load()
    from bot.serve import serve

    asyncio.run(serve(settings, config))
    return 0


def demo(args: argparse.Namespace) -> int:
    from bot.demo.story import run_demo

    return asyncio.run(run_demo(lang=args.lang))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ch-responder", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("run", help="serve Slack (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)")
    d = sub.add_parser("demo", help="play a scripted story offline against a simulated Slack")
    d.add_argument(
        "--lang",
        choices=("ja", "en"),
        default="en",
        help="the language the demo's people read (default: en)",
    )
    sub.add_parser("check-config", help="validate the configuration; show who is on duty")
    sub.add_parser("new-key", help="print a fresh data key for CH_DATA_KEY")
    sub.add_parser("rotate-key", help="re-encrypt stored data with CH_DATA_KEY (bot may run)")
    b = sub.add_parser("backup", help="copy the database consistently, even while the bot runs")
    b.add_argument("path", help="the new backup file")
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    try:
        if args.cmd == "run":
            return run()
        if args.cmd == "demo":
            return demo(args)
        if args.cmd in ("new-key", "rotate-key", "backup"):
            from bot import maintenance

            if args.cmd != "new-key":
                _require_database()
            if args.cmd == "backup":
                return maintenance.backup_command(args.path)
            return (
                maintenance.new_key_command()
                if args.cmd == "new-key"
                else maintenance.rotate_command()
            )
        return check_config()
    except (SettingsError, ConfigError, PolicyError) as e:
        print(f"ch-responder: configuration error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
