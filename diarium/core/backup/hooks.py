"""What the apps add to a backup and a restore, registered from their
AppConfig.ready(); core names none of them.

- A *proof* is a value an app computes from its data (the registry: the
  heads of each organisation's history chain). A backup records each proof;
  a restore computes it again from the restored database and refuses to
  commit unless it is equal.
- A *restored* callback brings derived state that is no model field up to
  date in the restored database (the search app: PostgreSQL's text vectors),
  and may return a line for the operator (in Swedish), or "".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_proofs: dict[str, Callable[[str], Any]] = {}
_restored: dict[str, Callable[[str], str]] = {}


def proof_register(name: str, compute: Callable[[str], Any]) -> None:
    """`compute(using)` returns a JSON-able value over the database `using`."""
    _proofs[name] = compute


def restored_register(name: str, callback: Callable[[str], str]) -> None:
    """`callback(using)` runs in the restore's transaction, after the rows are verified."""
    _restored[name] = callback


def proofs(using: str) -> dict[str, Any]:
    return {name: compute(using) for name, compute in sorted(_proofs.items())}


def restored(using: str) -> list[str]:
    return [line for _name, callback in sorted(_restored.items()) if (line := callback(using))]
