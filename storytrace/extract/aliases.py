"""The alias table: user-editable names that must be one entity, and role synonyms.

The default file ships in this package (`aliases.json`); a user file named by $STORYTRACE_ALIASES (or
passed explicitly) has the same shape and wins on conflicts, so an analyst can merge or split names
without touching code. Keys go through `name_key`, so an alias matches whatever its spelling or case.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from storytrace.extract.keys import name_key

DEFAULT_FILE = Path(__file__).with_name("aliases.json")
ENV_VAR = "STORYTRACE_ALIASES"


@dataclass(slots=True, frozen=True)
class Canonical:
    name: str
    type: str
    key: str


@dataclass(slots=True)
class AliasTable:
    by_key: dict[str, Canonical] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # role word/phrase key -> canonical role key

    def lookup(self, text: str) -> Canonical | None:
        return self.by_key.get(name_key(text))

    def role(self, key: str) -> str:
        return self.roles.get(key, key)

    def add_file(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data.get("entities", []):
            canonical = Canonical(item["name"], item["type"], name_key(item["name"]))
            for alias in [item["name"], *item.get("aliases", [])]:
                self.by_key[name_key(alias)] = canonical
        for role, variants in data.get("roles", {}).items():
            for variant in [role, *variants]:
                self.roles[name_key(variant)] = name_key(role)


def load_aliases(user_file: str | None = None) -> AliasTable:
    """Default aliases overlaid with the user's file (argument, else $STORYTRACE_ALIASES)."""
    return _load(user_file or os.environ.get(ENV_VAR))


@lru_cache(maxsize=8)
def _load(user_file: str | None) -> AliasTable:
    table = AliasTable()
    table.add_file(DEFAULT_FILE)
    if user_file:
        table.add_file(Path(user_file))
    return table
