"""Reading a policy file: TOML in, a validated ``Policy`` out, or a ``PolicyError``.

Loading validates everything up front and reports the first problem as a ``PolicyError``
naming the file and the key path (``steps[3].title.ja``), so an admin editing the file
can fix it without reading a traceback. Indexes in key paths count from 0. The types
the file becomes are in bot/domain/policy.py.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import NoReturn

from bot.domain.durations import parse_duration
from bot.domain.handling import MEASURE_KINDS
from bot.domain.policy import (
    LANGUAGES,
    STEP_KINDS,
    STEP_OWNERS,
    WEIGHTS,
    Category,
    Label,
    Option,
    Policy,
    Step,
)

# Ids are stored in the database and in Slack action values, so they must stay stable and
# plain: lower-case ascii, and short enough to fit in a 255-char Slack action_id
# next to a case id.
_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
# Slack caps plain_text option labels (static_select, checkboxes) at 75 characters.
MAX_LABEL = 75
# Step guidance is shown under each checklist item; keep it to one or two sentences.
MAX_STEP_TEXT = 300
# Stop scripts and safety advice go into one section block, whose text Slack caps at 3000.
MAX_LONG_TEXT = 3000
# The version is stored on every case and shown in its card.
MAX_VERSION = 40

_DEFAULT_SOURCE = "bot/domain/policy_data/default.toml (packaged default)"


class PolicyError(ValueError):
    """A policy file that cannot be used, with the file, the key path and the problem."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}" if key else f"{source}: {problem}")
        self.source = source
        self.key = key
        self.problem = problem


def load_policy(path: Path | str | None = None) -> Policy:
    """The packaged default policy (``path`` None), or a company's own TOML file."""
    source, raw = read_policy(path)
    return parse_policy(raw, source)


def read_policy(path: Path | str | None = None) -> tuple[str, bytes]:
    """(a name for messages, the file's bytes): the bytes are what is kept of every
    version the bot runs with (bot/domain/policy_versions.py)."""
    if path is None:
        raw = resources.files("bot.domain").joinpath("policy_data/default.toml").read_bytes()
        return _DEFAULT_SOURCE, raw
    try:
        return str(path), Path(path).read_bytes()
    except OSError as e:
        raise PolicyError(str(path), "", f"cannot read the file: {e.strerror or e}") from None


def packaged_earlier() -> list[tuple[str, bytes]]:
    """(name, bytes) of every earlier packaged policy (policy_data/earlier/), as shipped."""
    folder = resources.files("bot.domain").joinpath("policy_data/earlier")
    return sorted(
        (f"bot/domain/policy_data/earlier/{f.name} (packaged)", f.read_bytes())
        for f in folder.iterdir()
        if f.name.endswith(".toml")
    )


def parse_policy(raw: bytes, source: str) -> Policy:
    return _Reader(source).policy(policy_data(raw, source))


def policy_data(raw: bytes, source: str) -> dict[str, object]:
    """The file as TOML data, or a PolicyError saying why it is not."""
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PolicyError(source, "", "the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(source, "", f"not valid TOML: {e}") from None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Reader:
    """Turns parsed TOML into a Policy, failing on the first problem with its key path.

    Unknown keys are errors too: a misspelt optional key would otherwise be ignored
    silently and the admin would wonder why their edit has no effect.
    """

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> NoReturn:
        raise PolicyError(self.source, key, problem)

    def table(
        self, value: object, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, object]:
        if not isinstance(value, dict):
            self.fail(path, f"must be a table, not {_kind(value)}")
        for key in required:
            if key not in value:
                self.fail(_join(path, key), "missing")
        for key in value:
            if key not in required and key not in optional:
                allowed = ", ".join(required + optional)
                self.fail(_join(path, key), f"unknown key (allowed here: {allowed})")
        return value

    def text(self, value: object, path: str, max_len: int) -> str:
        if not isinstance(value, str):
            self.fail(path, f"must be a string in quotes, not {_kind(value)}")
        # Surrounding whitespace is dropped: TOML multi-line strings end with a newline,
        # and a label of only spaces would show as an empty option in Slack.
        text = value.strip()
        if not text:
            self.fail(path, "must not be empty")
        if len(text) > max_len:
            self.fail(path, f"is {len(text)} characters long; the limit is {max_len}")
        return text

    def label(self, value: object, path: str, max_len: int) -> Label:
        table = self.table(value, path, LANGUAGES)
        return self.inline_label(table, path, max_len)

    def inline_label(self, table: dict[str, object], path: str, max_len: int) -> Label:
        """ja and en read from a table that also holds other keys (id, weight, ...)."""
        return Label(
            ja=self.text(table["ja"], _join(path, "ja"), max_len),
            en=self.text(table["en"], _join(path, "en"), max_len),
        )

    def choice(self, value: object, path: str, allowed: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in allowed:
            self.fail(path, f"must be one of {', '.join(allowed)}; got {value!r}")
        return value

    def list_of_tables(
        self, value: object, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> list[tuple[str, dict[str, object]]]:
        """Each entry with its key path; ids checked for shape and uniqueness."""
        if not isinstance(value, list):
            self.fail(path, f"must be an array of tables ([[{path}]]), not {_kind(value)}")
        if not value:
            self.fail(path, "must have at least one entry")
        entries: list[tuple[str, dict[str, object]]] = []
        seen: set[str] = set()
        for index, item in enumerate(value):
            item_path = f"{path}[{index}]"
            table = self.table(item, item_path, required, optional)
            id_path = _join(item_path, "id")
            id_ = table["id"]
            if not isinstance(id_, str) or not _ID.fullmatch(id_):
                self.fail(
                    id_path,
                    f"{id_!r} is not a valid id: use lower-case ascii letters, digits and _, "
                    "starting with a letter, at most 40 characters",
                )
            if id_ in seen:
                self.fail(id_path, f"duplicate id {id_!r}")
            seen.add(id_)
            entries.append((item_path, table))
        return entries

    def options(self, value: object, path: str) -> tuple[Option, ...]:
        return tuple(
            Option(id=str(table["id"]), label=self.inline_label(table, item_path, MAX_LABEL))
            for item_path, table in self.list_of_tables(value, path, ("id", *LANGUAGES))
        )

    def categories(self, value: object, mhlw_types: tuple[Option, ...]) -> tuple[Category, ...]:
        mhlw_ids = ("", *(t.id for t in mhlw_types))
        categories = []
        for item_path, table in self.list_of_tables(
            value, "categories", ("id", *LANGUAGES, "weight"), ("mhlw_type",)
        ):
            mhlw_type = table.get("mhlw_type", "")
            if not isinstance(mhlw_type, str) or mhlw_type not in mhlw_ids:
                self.fail(
                    _join(item_path, "mhlw_type"),
                    f"must be an id from mhlw_types or empty; got {mhlw_type!r}",
                )
            categories.append(
                Category(
                    id=str(table["id"]),
                    label=self.inline_label(table, item_path, MAX_LABEL),
                    weight=self.choice(table["weight"], _join(item_path, "weight"), WEIGHTS),
                    mhlw_type=mhlw_type,
                )
            )
        return tuple(categories)

    def steps(self, value: object) -> tuple[Step, ...]:
        steps = []
        for item_path, table in self.list_of_tables(
            value,
            "steps",
            ("id", "title", "text", "remind_after", "needs_note", "kind"),
            ("owner", "conditional", "completed_by"),
        ):
            remind_path = _join(item_path, "remind_after")
            remind_raw = table["remind_after"]
            if not isinstance(remind_raw, str):
                self.fail(
                    remind_path, f"must be a duration string such as '4h', not {remind_raw!r}"
                )
            try:
                remind_after = parse_duration(remind_raw)
            except ValueError as e:
                self.fail(remind_path, str(e))
            needs_note = table["needs_note"]
            if not isinstance(needs_note, bool):
                self.fail(_join(item_path, "needs_note"), "must be true or false")
            conditional = table.get("conditional", False)
            if not isinstance(conditional, bool):
                self.fail(_join(item_path, "conditional"), "must be true or false")
            kind = self.choice(table["kind"], _join(item_path, "kind"), STEP_KINDS)
            if kind == "principle" and (conditional or "completed_by" in table):
                self.fail(
                    item_path,
                    "a principle holds throughout the case: it cannot be conditional "
                    "or completed by a measure",
                )
            steps.append(
                Step(
                    id=str(table["id"]),
                    title=self.label(table["title"], _join(item_path, "title"), MAX_LABEL),
                    text=self.label(table["text"], _join(item_path, "text"), MAX_STEP_TEXT),
                    remind_after=remind_after,
                    needs_note=needs_note,
                    kind=kind,
                    owner=self.choice(
                        table.get("owner", "lead"), _join(item_path, "owner"), STEP_OWNERS
                    ),
                    conditional=conditional,
                    completed_by=self.completed_by(table, item_path),
                )
            )
        return tuple(steps)

    def completed_by(self, table: dict[str, object], item_path: str) -> tuple[str, ...]:
        path = _join(item_path, "completed_by")
        value = table.get("completed_by", [])
        if not isinstance(value, list):
            self.fail(path, f"must be an array of measure kinds, not {_kind(value)}")
        kinds = tuple(
            self.choice(kind, f"{path}[{i}]", MEASURE_KINDS) for i, kind in enumerate(value)
        )
        if len(set(kinds)) != len(kinds):
            self.fail(path, "lists a measure kind twice")
        return kinds

    def stop_scripts(
        self, value: object, channels: tuple[Option, ...]
    ) -> MappingProxyType[str, Label]:
        # Every channel must have its own entry, even where the words are the same: an
        # employee on any channel who hits "stop" must get a script, never a blank.
        channel_ids = tuple(c.id for c in channels)
        if isinstance(value, dict):
            for id_ in channel_ids:
                if id_ not in value:
                    self.fail(
                        _join("stop_scripts", id_),
                        f"missing: every contact channel needs a stop script ({id_!r} has none)",
                    )
        table = self.table(value, "stop_scripts", channel_ids)
        return MappingProxyType(
            {
                id_: self.label(table[id_], _join("stop_scripts", id_), MAX_LONG_TEXT)
                for id_ in channel_ids
            }
        )

    def policy(self, data: dict[str, object]) -> Policy:
        top = self.table(
            data,
            "",
            (
                "version",
                "name",
                "categories",
                "mhlw_types",
                "axes",
                "steps",
                "contact_channels",
                "stop_scripts",
                "safety_advice",
            ),
        )
        axes = self.table(top["axes"], "axes", ("demand_valid", "means_appropriate", "conclusions"))
        mhlw_types = self.options(top["mhlw_types"], "mhlw_types")
        contact_channels = self.options(top["contact_channels"], "contact_channels")
        return Policy(
            version=self.text(top["version"], "version", MAX_VERSION),
            name=self.label(top["name"], "name", MAX_LABEL),
            categories=self.categories(top["categories"], mhlw_types),
            mhlw_types=mhlw_types,
            demand_valid=self.options(axes["demand_valid"], "axes.demand_valid"),
            means_appropriate=self.options(axes["means_appropriate"], "axes.means_appropriate"),
            conclusions=self.options(axes["conclusions"], "axes.conclusions"),
            steps=self.steps(top["steps"]),
            contact_channels=contact_channels,
            stop_scripts=self.stop_scripts(top["stop_scripts"], contact_channels),
            safety_advice=self.label(top["safety_advice"], "safety_advice", MAX_LONG_TEXT),
        )


def _kind(value: object) -> str:
    """The TOML name of a parsed value's type, for error messages an admin can read."""
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), f"a {type(value).__name__}")  # TOML dates, times
