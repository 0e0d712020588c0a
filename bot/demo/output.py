"""Printing the demo: what each person would see, as plain text."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Mapping
from typing import Any, TextIO

from slacksim.render import render_message, render_view


class Printer:
    def __init__(self, names: Mapping[str, str], stream: TextIO | None = None) -> None:
        self.names = names
        self.stream = stream or sys.stdout

    def _write(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def scene(self, title: str) -> None:
        self._write(f"\n{'═' * 72}\n▶ {title}\n{'═' * 72}")

    def say(self, text: str) -> None:
        self._write(textwrap.fill(text, 72))

    def _box(self, heading: str, body: str) -> None:
        self._write(f"\n┌─ {heading}")
        for line in body.rstrip().splitlines() or [""]:
            self._write(f"│ {line}")
        self._write("└─")

    def message(self, who: str, where: str, msg: Any) -> None:
        self._box(f"{self.names.get(who, who)} sees, in {where}:", render_message(msg, self.names))

    def view(self, who: str, view: Mapping[str, Any]) -> None:
        self._box(f"{self.names.get(who, who)} sees a window:", render_view(view, self.names))
