"""Route 53 record sets and changes, as real Route 53 handles them.

moto keeps the hosted zones, health checks and everything else; this module takes over
ChangeResourceRecordSets, ListResourceRecordSets, GetChange and ListHostedZonesByName,
whose moto versions check batches against a log of past changes instead of the records
that exist (localaws/README.md, "What it corrects").

The records of a zone live here, keyed by (lower-cased name with trailing dot, type,
SetIdentifier); after each committed batch they are mirrored into moto's zone so that
GetHostedZone's ResourceRecordSetCount and DeleteHostedZone's "not empty" check agree.
All state is guarded by the server's one state lock, so a batch is validated and applied
atomically with respect to every other request.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
import string
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from .auth import ACCOUNT_ID
from .errors import NAMESPACES, AWSError, InvalidChangeBatch

NS = NAMESPACES["route53"]
MAX_PAGE = 300
MAX_WEIGHTED = 100
RR_TYPES = {
    "SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA", "DS",
    "TLSA", "SSHFP", "SVCB", "HTTPS",
}
IPV4_RE = re.compile(r"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")


def normalize_name(name: str) -> str:
    name = name.strip().lower()
    if not name.endswith("."):
        name += "."
    return name


def name_sort_key(name: str) -> tuple[str, ...]:
    """Route 53 orders names with the labels reversed: com.example.www."""
    labels = [label for label in name.rstrip(".").split(".")]
    return tuple(reversed(labels))


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _policy(rec: Record) -> str:
    """The routing policy of a record with a SetIdentifier, in Route 53's words."""
    if rec.weight is not None:
        return "weighted"
    if rec.multi_value is not None:
        return "multivalue"
    if rec.failover is not None:
        return "failover"
    if rec.geo is not None:
        return "geolocation"
    return "latency"


@dataclass(frozen=True)
class Record:
    name: str
    type: str
    set_id: str | None = None
    weight: int | None = None
    ttl: int | None = None
    values: tuple[str, ...] = ()
    health_check_id: str | None = None
    multi_value: bool | None = None
    failover: str | None = None
    region: str | None = None
    alias: tuple[tuple[str, str], ...] | None = None
    geo: tuple[tuple[str, str], ...] | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.name, self.type, self.set_id or "")

    def same_values(self, other: Record) -> bool:
        return (
            self.ttl == other.ttl
            and sorted(self.values) == sorted(other.values)
            and self.weight == other.weight
            and self.health_check_id == other.health_check_id
            and bool(self.multi_value) == bool(other.multi_value)
            and self.failover == other.failover
            and self.region == other.region
            and self.alias == other.alias
            and self.geo == other.geo
        )

    def sort_key(self) -> tuple[Any, ...]:
        return (name_sort_key(self.name), self.type, self.set_id or "")

    def describe(self) -> str:
        sid = f", set-identifier='{self.set_id}'" if self.set_id is not None else ""
        return f"[name='{self.name}', type='{self.type}'{sid}]"

    def to_json(self) -> dict[str, Any]:
        """The fields a history reader compares (scripts/crash-campaign)."""
        return {
            "name": self.name, "type": self.type, "set_id": self.set_id, "weight": self.weight,
            "ttl": self.ttl, "values": list(self.values),
        }

    def to_xml(self) -> str:
        out = [f"<ResourceRecordSet><Name>{escape(self.name)}</Name><Type>{self.type}</Type>"]
        if self.set_id is not None:
            out.append(f"<SetIdentifier>{escape(self.set_id)}</SetIdentifier>")
        if self.weight is not None:
            out.append(f"<Weight>{self.weight}</Weight>")
        if self.region is not None:
            out.append(f"<Region>{escape(self.region)}</Region>")
        if self.geo is not None:
            out.append("<GeoLocation>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in self.geo) + "</GeoLocation>")
        if self.failover is not None:
            out.append(f"<Failover>{escape(self.failover)}</Failover>")
        if self.multi_value is not None:
            out.append(f"<MultiValueAnswer>{'true' if self.multi_value else 'false'}</MultiValueAnswer>")
        if self.ttl is not None:
            out.append(f"<TTL>{self.ttl}</TTL>")
        if self.values:
            out.append(
                "<ResourceRecords>"
                + "".join(f"<ResourceRecord><Value>{escape(v)}</Value></ResourceRecord>" for v in self.values)
                + "</ResourceRecords>"
            )
        if self.alias is not None:
            out.append("<AliasTarget>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in self.alias) + "</AliasTarget>")
        if self.health_check_id is not None:
            out.append(f"<HealthCheckId>{escape(self.health_check_id)}</HealthCheckId>")
        out.append("</ResourceRecordSet>")
        return "".join(out)


@dataclass
class Change:
    id: str
    submitted: float
    insync_at: float
    comment: str | None = None


@dataclass
class ZoneRecords:
    records: dict[tuple[str, str, str], Record] = field(default_factory=dict)


def _strip_ns(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    for c in el:
        if _strip_ns(c.tag) == name:
            return c
    return None


def _children(el: ET.Element | None, name: str) -> list[ET.Element]:
    if el is None:
        return []
    return [c for c in el if _strip_ns(c.tag) == name]


def _text(el: ET.Element, name: str) -> str | None:
    c = _child(el, name)
    return None if c is None else (c.text or "")


def invalid_input(message: str) -> AWSError:
    return AWSError(400, "InvalidInput", message)


def _validation_error(errors: list[str]) -> AWSError:
    n = len(errors)
    noun = "error" if n == 1 else "errors"
    return invalid_input(f"{n} validation {noun} detected: " + "; ".join(errors))


def _new_id(prefix: str, length: int = 20) -> str:
    alphabet = string.ascii_uppercase + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


class Route53:
    """Record sets, changes and zone look-ups of the local Route 53."""

    SHAPES = ("messages", "error_response")

    def __init__(self, insync_delay: float):
        self.initial_insync_delay = insync_delay
        self.insync_delay = insync_delay
        self.invalid_change_batch_shape = "messages"
        self.zones: dict[str, ZoneRecords] = {}
        self.changes: dict[str, Change] = {}
        # Every batch applied, in order, so a checker can read what happened and not only the
        # zone it left (scripts/crash-campaign): a crash between two batches shows here only.
        self.history: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ moto access
    @staticmethod
    def backend() -> Any:
        from moto.route53.models import route53_backends

        return route53_backends[ACCOUNT_ID]["aws"]

    def reset(self) -> None:
        self.zones.clear()
        self.changes.clear()
        self.history.clear()
        self.insync_delay = self.initial_insync_delay
        self.invalid_change_batch_shape = "messages"

    def moto_zone(self, zone_id: str) -> Any:
        zone_id = zone_id.replace("/hostedzone/", "").strip("/")
        zone = self.backend().zones.get(zone_id)
        if zone is None:
            self.zones.pop(zone_id, None)
            raise AWSError(404, "NoSuchHostedZone", f"No hosted zone found with ID: {zone_id}")
        return zone

    def zone_records(self, zone: Any) -> ZoneRecords:
        zr = self.zones.get(zone.resource_id)
        if zr is None:
            zr = ZoneRecords()
            for rs in zone.rrsets:  # the SOA and NS records moto made with the zone
                values = []
                for v in rs.records or []:
                    values.append(v["Value"] if isinstance(v, dict) else str(v))
                rec = Record(
                    name=normalize_name(rs.name), type=rs.type, set_id=rs.set_identifier,
                    ttl=int(rs.ttl) if rs.ttl is not None else None, values=tuple(values),
                )
                zr.records[rec.key] = rec
            self.zones[zone.resource_id] = zr
        return zr

    def _mirror(self, zone: Any, zr: ZoneRecords) -> None:
        from moto.route53.models import RecordSet

        zone.rrsets = [
            RecordSet(
                {
                    "Name": r.name, "Type": r.type, "TTL": r.ttl, "ResourceRecords": list(r.values),
                    "SetIdentifier": r.set_id, "Weight": r.weight, "HealthCheckId": r.health_check_id,
                }
            )
            for r in sorted(zr.records.values(), key=Record.sort_key)
        ]

    def new_change(self, comment: str | None = None) -> Change:
        now = time.time()
        change = Change(id=_new_id("C"), submitted=now, insync_at=now + self.insync_delay, comment=comment)
        self.changes[change.id] = change
        return change

    @staticmethod
    def change_info_xml(change: Change) -> str:
        status = "INSYNC" if time.time() >= change.insync_at else "PENDING"
        comment = f"<Comment>{escape(change.comment)}</Comment>" if change.comment is not None else ""
        return (
            f"<ChangeInfo><Id>/change/{change.id}</Id><Status>{status}</Status>"
            f"<SubmittedAt>{iso(change.submitted)}</SubmittedAt>{comment}</ChangeInfo>"
        )

    # ------------------------------------------------------------------ parsing
    def parse_batch(self, body: bytes) -> tuple[list[tuple[str, Record]], str | None]:
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            raise invalid_input(f"Invalid XML ; {exc}") from None
        batch = _child(root, "ChangeBatch")
        if batch is None:
            raise _validation_error(
                ["Value null at 'changeBatch' failed to satisfy constraint: Member must not be null"])
        comment = _text(batch, "Comment")
        changes_el = _child(batch, "Changes")
        change_els = _children(changes_el, "Change")
        errors: list[str] = []
        if not change_els:
            errors.append(
                "Value '[]' at 'changeBatch.changes' failed to satisfy constraint: "
                "Member must have length greater than or equal to 1"
            )
        parsed: list[tuple[str, Record]] = []
        for i, ch in enumerate(change_els, start=1):
            where = f"changeBatch.changes.{i}.member"
            action = (_text(ch, "Action") or "").strip()
            if action not in ("CREATE", "DELETE", "UPSERT"):
                errors.append(
                    f"Value '{action}' at '{where}.action' failed to satisfy constraint: "
                    "Member must satisfy enum value set: [UPSERT, CREATE, DELETE]"
                )
            rrs = _child(ch, "ResourceRecordSet")
            if rrs is None:
                errors.append(f"Value null at '{where}.resourceRecordSet' failed to satisfy constraint: "
                              "Member must not be null")
                continue
            raw_name = _text(rrs, "Name") or ""
            rtype = (_text(rrs, "Type") or "").strip()
            if rtype not in RR_TYPES:
                errors.append(
                    f"Value '{rtype}' at '{where}.resourceRecordSet.type' failed to satisfy constraint: "
                    "Member must satisfy enum value set: [" + ", ".join(sorted(RR_TYPES)) + "]"
                )
            if len(raw_name) > 1024 or not raw_name:
                errors.append(
                    f"Value '{raw_name}' at '{where}.resourceRecordSet.name' failed to satisfy constraint: "
                    "Member must have length less than or equal to 1024"
                )
            set_id = _text(rrs, "SetIdentifier")
            if set_id is not None and not (1 <= len(set_id) <= 128):
                errors.append(
                    f"Value '{set_id}' at '{where}.resourceRecordSet.setIdentifier' failed to satisfy "
                    "constraint: Member must have length less than or equal to 128"
                )
            weight = self._int(rrs, "Weight", f"{where}.resourceRecordSet.weight", 0, 255, errors)
            ttl = self._int(rrs, "TTL", f"{where}.resourceRecordSet.tTL", 0, 2147483647, errors)
            values = tuple(
                (_text(rr, "Value") or "") for rr in _children(_child(rrs, "ResourceRecords"), "ResourceRecord")
            )
            mv_text = _text(rrs, "MultiValueAnswer")
            multi_value = None if mv_text is None else mv_text.strip().lower() == "true"
            alias_el = _child(rrs, "AliasTarget")
            alias = None
            if alias_el is not None:
                alias = tuple(
                    (k, (normalize_name(_text(alias_el, k) or "") if k == "DNSName"
                         else (_text(alias_el, k) or "").strip()))
                    for k in ("HostedZoneId", "DNSName", "EvaluateTargetHealth")
                    if _text(alias_el, k) is not None
                )
            geo_el = _child(rrs, "GeoLocation")
            geo = None
            if geo_el is not None:
                geo = tuple((_strip_ns(c.tag), (c.text or "").strip()) for c in geo_el)
            hc = _text(rrs, "HealthCheckId")
            rec = Record(
                name=normalize_name(raw_name) if raw_name else "",
                type=rtype,
                set_id=set_id,
                weight=weight,
                ttl=ttl,
                values=values,
                health_check_id=hc.strip() if hc is not None else None,
                multi_value=multi_value,
                failover=_text(rrs, "Failover"),
                region=_text(rrs, "Region"),
                alias=alias,
                geo=geo,
            )
            parsed.append((action, rec))
        if errors:
            raise _validation_error(errors)
        # Structural rules Route 53 reports as InvalidInput, one change at a time.
        resource_records = 0
        value_chars = 0
        for action, rec in parsed:
            desc = (
                f"Change with [Action={action}, Name={rec.name}, Type={rec.type}, "
                f"SetIdentifier={rec.set_id if rec.set_id is not None else 'null'}]"
            )
            has_plain = rec.ttl is not None and bool(rec.values)
            if (rec.alias is not None) == has_plain or (rec.alias is not None and (rec.ttl is not None or rec.values)):
                raise invalid_input(
                    "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], "
                    f"or TrafficPolicyInstanceId], but found none in {desc}"
                    if not has_plain and rec.alias is None
                    else "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], "
                    f"or TrafficPolicyInstanceId], but found more than one in {desc}"
                )
            policies = [p for p in (rec.weight, rec.failover, rec.region, rec.geo, rec.multi_value) if p is not None]
            if rec.set_id is None and policies:
                raise invalid_input(f"Invalid request: Missing field 'SetIdentifier' in {desc}")
            if rec.set_id is not None and not policies:
                raise invalid_input(
                    "Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, "
                    f"MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found none in {desc}"
                )
            if len(policies) > 1:
                raise invalid_input(
                    "Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, "
                    f"MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found more than one in {desc}"
                )
            resource_records += len(rec.values) * (2 if action == "UPSERT" else 1)
            value_chars += sum(len(v) for v in rec.values) * (2 if action == "UPSERT" else 1)
        if resource_records > 1000:
            raise InvalidChangeBatch(["Number of records limit of 1000 exceeded."])
        if value_chars > 32000:
            raise InvalidChangeBatch(["Number of characters limit of 32000 exceeded."])
        return parsed, comment

    @staticmethod
    def _int(el: ET.Element, name: str, where: str, lo: int, hi: int, errors: list[str]) -> int | None:
        raw = _text(el, name)
        if raw is None:
            return None
        try:
            value = int(raw.strip())
        except ValueError:
            errors.append(f"Value '{raw}' at '{where}' failed to satisfy constraint: Member must be a number")
            return None
        if value < lo:
            errors.append(
                f"Value '{value}' at '{where}' failed to satisfy constraint: "
                f"Member must have value greater than or equal to {lo}"
            )
        elif value > hi:
            errors.append(
                f"Value '{value}' at '{where}' failed to satisfy constraint: "
                f"Member must have value less than or equal to {hi}"
            )
        return value

    @staticmethod
    def condition_context(body: bytes) -> dict[str, list[str]]:
        """IAM condition keys of a ChangeResourceRecordSets request (lower-cased keys)."""
        ctx: dict[str, list[str]] = {
            "route53:changeresourcerecordsetsnormalizedrecordnames": [],
            "route53:changeresourcerecordsetsrecordtypes": [],
            "route53:changeresourcerecordsetsactions": [],
        }
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            return ctx
        batch = _child(root, "ChangeBatch")
        for ch in _children(_child(batch, "Changes") if batch is not None else None, "Change"):
            rrs = _child(ch, "ResourceRecordSet")
            if rrs is None:
                continue
            ctx["route53:changeresourcerecordsetsnormalizedrecordnames"].append(
                (_text(rrs, "Name") or "").strip().lower().rstrip(".")
            )
            ctx["route53:changeresourcerecordsetsrecordtypes"].append((_text(rrs, "Type") or "").strip())
            ctx["route53:changeresourcerecordsetsactions"].append((_text(ch, "Action") or "").strip())
        return ctx

    # ------------------------------------------------------------------ operations
    def change_resource_record_sets(self, zone_id: str, body: bytes, caller: str | None = None) -> str:
        zone = self.moto_zone(zone_id)
        changes, comment = self.parse_batch(body)
        zr = self.zone_records(zone)
        zone_name = normalize_name(zone.name)
        work = dict(zr.records)
        messages: list[str] = []
        health_checks = self.backend().health_checks
        for action, rec in changes:
            if rec.name != zone_name and not rec.name.endswith("." + zone_name):
                messages.append(f"RRSet with DNS name {rec.name} is not permitted in zone {zone_name}")
                continue
            if rec.health_check_id is not None and action != "DELETE" and rec.health_check_id not in health_checks:
                raise AWSError(
                    404, "NoSuchHealthCheck",
                    f"A health check with id {rec.health_check_id} does not exist.",
                )
            if action == "DELETE":
                current = work.get(rec.key)
                if current is None:
                    messages.append(f"Tried to delete resource record set {rec.describe()} but it was not found")
                elif not current.same_values(rec):
                    messages.append(
                        f"Tried to delete resource record set {rec.describe()} "
                        "but the values provided do not match the current values"
                    )
                else:
                    del work[rec.key]
                continue
            problem = self._value_problem(rec)
            if problem:
                messages.append(problem)
                continue
            if action == "CREATE" and rec.key in work:
                messages.append(f"Tried to create resource record set {rec.describe()} but it already exists")
                continue
            problem = self._conflict(work, rec, zone_name)
            if problem:
                messages.append(problem)
                continue
            work[rec.key] = rec
            if rec.set_id is not None and rec.ttl is not None:
                # Route 53 gives every record of a routing-policy set the TTL written last.
                for key, sib in list(work.items()):
                    if key[:2] == rec.key[:2] and sib.set_id is not None and sib.ttl is not None and sib.ttl != rec.ttl:
                        work[key] = replace(sib, ttl=rec.ttl)
        soa = [r for r in work.values() if r.name == zone_name and r.type == "SOA"]
        ns = [r for r in work.values() if r.name == zone_name and r.type == "NS"]
        if not messages and len(soa) != 1:
            messages.append("A HostedZone must contain exactly one SOA record.")
        if not messages and not ns:
            messages.append("A HostedZone must contain at least one NS record for the zone itself.")
        if messages:
            raise InvalidChangeBatch(messages)
        zr.records = work
        self._mirror(zone, zr)
        change = self.new_change(comment)
        self.history.append({
            "time": change.submitted, "zone": zone.resource_id, "change": change.id, "caller": caller,
            "changes": [{"action": action, **rec.to_json()} for action, rec in changes],
        })
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ChangeResourceRecordSetsResponse xmlns="{NS}">'
            f"{self.change_info_xml(change)}</ChangeResourceRecordSetsResponse>"
        )

    @staticmethod
    def _value_problem(rec: Record) -> str | None:
        for v in rec.values:
            if rec.type == "A" and not IPV4_RE.match(v):
                return (
                    "Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address "
                    f"(Value is not a valid IPv4 address) encountered with '{v}''"
                )
            if rec.type == "AAAA":
                try:
                    ipaddress.IPv6Address(v)
                except ValueError:
                    return (
                        "Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address "
                        f"(Value is not a valid IPv6 address) encountered with '{v}''"
                    )
        if rec.type == "CNAME" and len(rec.values) > 1:
            return f"RRSet of type CNAME with DNS name {rec.name} has more than one resource record"
        return None

    @staticmethod
    def _conflict(work: dict[tuple[str, str, str], Record], rec: Record, zone_name: str) -> str | None:
        same = [r for k, r in work.items() if k[0] == rec.name and k[1] == rec.type and k != rec.key]
        if rec.set_id is None and same:
            return (
                f"RRSet with DNS name {rec.name}, type {rec.type} cannot be created as other RRSets "
                "exist with the same name and type."
            )
        if rec.set_id is not None and any(r.set_id is None for r in same):
            return (
                f"RRSet with DNS name {rec.name}, type {rec.type}, SetIdentifier {rec.set_id} cannot be "
                "created as a non-weighted set exists with the same name and type."
            )
        if rec.set_id is not None:
            # One routing policy per name and type (Route 53 refuses a weighted record beside
            # latency ones as "non-weighted set exists"; the other policies are worded alike).
            policy = _policy(rec)
            if any(r.set_id is not None and _policy(r) != policy for r in same):
                return (
                    f"RRSet with DNS name {rec.name}, type {rec.type}, SetIdentifier {rec.set_id} cannot be "
                    f"created as a non-{policy} set exists with the same name and type."
                )
        if rec.weight is not None and sum(1 for r in same if r.weight is not None) >= MAX_WEIGHTED:
            return f"Exceeded limit on number of weighted RRSets for {rec.name}, type {rec.type} in this zone."
        other_types = {r.type for k, r in work.items() if k[0] == rec.name and r.type != rec.type}
        if rec.type == "CNAME" and other_types - {"NSEC", "RRSIG"}:
            return (
                f"RRSet of type CNAME with DNS name {rec.name} is not permitted as it conflicts "
                f"with other records with the same DNS name in zone {zone_name}"
            )
        if rec.type != "CNAME" and "CNAME" in other_types:
            # Route 53's own words, "already exists" included: a client that takes any message
            # containing it for a lost compare-and-swap race must be caught here.
            return (
                f"RRSet of type {rec.type} with DNS name {rec.name} is not permitted because a conflicting "
                f"RRSet of type CNAME with the same DNS name already exists in zone {zone_name}"
            )
        return None

    def list_resource_record_sets(self, zone_id: str, query: str) -> str:
        zone = self.moto_zone(zone_id)
        params = dict(parse_qsl(query, keep_blank_values=True))
        start_name = params.get("name")
        start_type = params.get("type")
        start_id = params.get("identifier")
        raw_max = params.get("maxitems", str(MAX_PAGE))
        try:
            max_items = int(raw_max)
        except ValueError:
            raise invalid_input(f"1 validation error detected: Value '{raw_max}' at 'maxItems' failed to satisfy "
                                "constraint: Member must be a number") from None
        if max_items < 1:
            raise invalid_input("MaxItems must be at least 1")
        if start_type and not start_name:
            raise invalid_input("The input is not valid: StartRecordType requires StartRecordName")
        if start_id and not start_type:
            raise invalid_input("The input is not valid: StartRecordIdentifier requires StartRecordType")
        if start_type and start_type not in RR_TYPES:
            raise invalid_input(f"Invalid type: {start_type}")
        page_size = min(max_items, MAX_PAGE)
        records = sorted(self.zone_records(zone).records.values(), key=Record.sort_key)
        if start_name:
            start = (name_sort_key(normalize_name(start_name)), start_type or "", start_id or "")
            records = [r for r in records if r.sort_key() >= start]
        page, rest = records[:page_size], records[page_size:]
        out = [f'<?xml version="1.0" encoding="UTF-8"?>\n'
               f'<ListResourceRecordSetsResponse xmlns="{NS}"><ResourceRecordSets>']
        out.extend(r.to_xml() for r in page)
        out.append("</ResourceRecordSets>")
        out.append(f"<IsTruncated>{'true' if rest else 'false'}</IsTruncated>")
        if rest:
            nxt = rest[0]
            out.append(f"<NextRecordName>{escape(nxt.name)}</NextRecordName><NextRecordType>{nxt.type}</NextRecordType>")
            if nxt.set_id is not None:
                out.append(f"<NextRecordIdentifier>{escape(nxt.set_id)}</NextRecordIdentifier>")
        out.append(f"<MaxItems>{raw_max}</MaxItems></ListResourceRecordSetsResponse>")
        return "".join(out)

    def history_of(self, zone_id: str | None = None) -> list[dict[str, Any]]:
        """The batches applied, oldest first; of one zone when zone_id is given."""
        if zone_id is None:
            return list(self.history)
        zone_id = zone_id.replace("/hostedzone/", "").strip("/")
        return [entry for entry in self.history if entry["zone"] == zone_id]

    def get_change(self, change_id: str) -> str:
        change_id = change_id.replace("/change/", "").strip("/")
        change = self.changes.get(change_id)
        if change is None:
            raise AWSError(404, "NoSuchChange", f"A change with the specified change ID does not exist: {change_id}")
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<GetChangeResponse xmlns="{NS}">'
            f"{self.change_info_xml(change)}</GetChangeResponse>"
        )

    def list_hosted_zones_by_name(self, query: str) -> str:
        params = dict(parse_qsl(query, keep_blank_values=True))
        dns_name = params.get("dnsname")
        zone_id = params.get("hostedzoneid")
        raw_max = params.get("maxitems", "100")
        try:
            max_items = int(raw_max)
        except ValueError:
            raise invalid_input(f"1 validation error detected: Value '{raw_max}' at 'maxItems' failed to satisfy "
                                "constraint: Member must be a number") from None
        if zone_id and not dns_name:
            raise invalid_input("The input is not valid: hostedzoneid requires dnsname")
        page_size = max(1, min(max_items, 100))
        zones = sorted(
            self.backend().zones.values(), key=lambda z: (name_sort_key(normalize_name(z.name)), z.resource_id)
        )
        if dns_name:
            start: tuple[Any, ...] = (name_sort_key(normalize_name(dns_name)),
                                      (zone_id or "").replace("/hostedzone/", ""))
            zones = [z for z in zones if (name_sort_key(normalize_name(z.name)), z.resource_id) >= start]
        page, rest = zones[:page_size], zones[page_size:]
        out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<ListHostedZonesByNameResponse xmlns="{NS}"><HostedZones>']
        for z in page:
            count = len(self.zone_records(z).records)
            comment = f"<Comment>{escape(z.comment)}</Comment>" if z.comment else ""
            out.append(
                f"<HostedZone><Id>/hostedzone/{z.resource_id}</Id><Name>{escape(normalize_name(z.name))}</Name>"
                f"<CallerReference>{escape(z.caller_reference or '')}</CallerReference>"
                f"<Config>{comment}<PrivateZone>{'true' if z.private_zone else 'false'}</PrivateZone></Config>"
                f"<ResourceRecordSetCount>{count}</ResourceRecordSetCount></HostedZone>"
            )
        out.append("</HostedZones>")
        if dns_name:
            out.append(f"<DNSName>{escape(dns_name)}</DNSName>")
        if zone_id:
            out.append(f"<HostedZoneId>{escape(zone_id)}</HostedZoneId>")
        out.append(f"<IsTruncated>{'true' if rest else 'false'}</IsTruncated>")
        if rest:
            out.append(
                f"<NextDNSName>{escape(normalize_name(rest[0].name))}</NextDNSName>"
                f"<NextHostedZoneId>{rest[0].resource_id}</NextHostedZoneId>"
            )
        out.append(f"<MaxItems>{raw_max}</MaxItems></ListHostedZonesByNameResponse>")
        return "".join(out)

    def rewrite_change_info(self, body: str) -> str:
        """Give moto's fixed ChangeInfo (CreateHostedZone & co) a real, trackable change."""
        if "<ChangeInfo>" not in body:
            return body
        change = self.new_change()
        return re.sub(r"<ChangeInfo>.*?</ChangeInfo>", self.change_info_xml(change), body, count=1, flags=re.S)


# Route 53 REST paths this module answers itself.
RRSET_RE = re.compile(r"^/2013-04-01/hostedzone/(?:/?hostedzone/)?([^/]+)/rrset/?$")
CHANGE_RE = re.compile(r"^/2013-04-01/change/(?:/?change/)?([^/]+)$")
BYNAME_RE = re.compile(r"^/2013-04-01/hostedzonesbyname/?$")
