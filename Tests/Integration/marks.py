"""r53hook's registry marks as the tests see them: where they live, their words, and
`MarkPattern`, which compares equal to the one record that is a member's mark.

Every address record r53hook makes has a companion registry mark: `World.pair()` (world.py) is
the two records `start` writes, in Route 53's order."""

from __future__ import annotations

from typing import Any

from runner import NAME

MARK_PREFIX = '"r53hook-member v=1 instance='
MARK_KEYS = {"Name", "Type", "SetIdentifier", "Weight", "TTL", "ResourceRecords"}


def mark_name(name: str = NAME, rtype: str = "A") -> str:
    """Where the marks of NAME's TYPE records live: `_r53hook-a.www.example.com.`."""
    return f"_r53hook-{rtype.lower()}.{name.lower().rstrip('.')}."


def is_mark_name(rec: dict[str, Any]) -> bool:
    """Whether a record of the zone sits at a registry mark's name (marks and impostors alike)."""
    return rec["Name"].startswith("_r53hook-")


def mark_words(rec: dict[str, Any]) -> dict[str, str]:
    """The key=value words of a mark's value: {"instance": ..., "address": ..., "joined": ...}."""
    value = rec["ResourceRecords"][0]["Value"].strip('"')
    return dict(word.split("=", 1) for word in value.split()[1:] if "=" in word)


class MarkPattern:
    """r53hook's registry mark of one member, as a pattern that compares equal to the record
    dict (from ListResourceRecordSets) that is exactly that mark: a weighted TXT record at
    `_r53hook-<type>.<name>`, the member's set identifier, weight 0, TTL 60, one value
    `"r53hook-member v=1 instance=... address=<address> az=... joined=<unix time>"`, nothing
    else (no health check, no other routing policy). The join time and the zone vary from run
    to run, so they are only checked for shape; the instance id is checked when given.
    Usable inside lists: `aws.records() == [aws.expected(), aws.expected_mark()]`."""

    def __init__(self, name: str, rtype: str, set_id: str, address: str, instance: str | None = None):
        self.name = mark_name(name, rtype)
        self.set_id = set_id
        self.address = address
        self.instance = instance

    def problems(self, rec: Any) -> list[str]:
        if not isinstance(rec, dict):
            return [f"not a record: {rec!r}"]
        out = []
        want = {"Name": self.name, "Type": "TXT", "SetIdentifier": self.set_id, "Weight": 0, "TTL": 60}
        out += [f"{k} {rec.get(k)!r} != {v!r}" for k, v in want.items() if rec.get(k) != v]
        if set(rec) != MARK_KEYS:
            out.append(f"keys {sorted(rec)} != {sorted(MARK_KEYS)}")
        values = rec.get("ResourceRecords") or []
        if len(values) != 1:
            return out + [f"{len(values)} values, not 1"]
        value = values[0]["Value"]
        if not value.startswith(MARK_PREFIX) or not value.endswith('"'):
            return out + [f"value {value!r} does not start with {MARK_PREFIX!r}"]
        words = mark_words(rec)
        if f" address={self.address} " not in value.rstrip('"') + " ":
            out.append(f"value {value!r} lacks address={self.address}")
        if not words.get("joined", "").isdigit():
            out.append(f"value {value!r} lacks joined=<unix time>")
        if self.instance is not None and words.get("instance") != self.instance:
            out.append(f"value {value!r} lacks instance={self.instance}")
        return out

    def __eq__(self, other: Any) -> bool:
        return not self.problems(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extra = f", instance={self.instance!r}" if self.instance else ""
        return f"MarkPattern(name={self.name!r}, set_id={self.set_id!r}, address={self.address!r}{extra})"

