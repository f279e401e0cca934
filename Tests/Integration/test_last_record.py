"""When a name empties (issue 13, part 4): before `stop` deletes the last record of a name it
warns with the zone's negative-caching time from its SOA; `status` shows the figure."""

from __future__ import annotations

from harness import World


def soa(aws: World) -> dict[str, object]:
    listed = aws.r53.list_resource_record_sets(HostedZoneId=aws.zone_id)["ResourceRecordSets"]
    [record] = [r for r in listed if r["Type"] == "SOA"]
    return record


def test_stopping_the_last_member_warns_with_the_soa_figure(aws: World):
    record = soa(aws)
    ttl = int(record["TTL"])
    last = int(record["ResourceRecords"][0]["Value"].split()[-1])
    figure = min(ttl, last)
    assert aws.run("start", "--ttl", "1", "--no-wait").code == 0

    status = aws.run("status")
    assert status.code == 0, status.describe()
    assert f"resolvers cache it for {figure} s" in status.stdout
    assert "this instance holds the last record" in status.stdout
    assert f'"negativeCachingSeconds":{figure}' in aws.run("status", "--json").stdout.replace(" ", "")

    dry = aws.run("stop", "--dry-run", "--drain-extra", "0")
    assert ("warning: this deletes the last A record of www.example.com.: resolvers that ask for it now "
            f"cache the empty answer for up to {figure} s") in dry.stdout

    stop = aws.run("stop", "--drain-extra", "0")
    assert stop.code == 0, stop.describe()
    assert f"up to {figure} s (the lesser of the zone's SOA TTL {ttl} and its last field {last})" in stop.stderr
    assert "keep one member up" in stop.stderr
    assert aws.records() == []


def test_stopping_one_of_two_members_does_not_warn(aws: World):
    other = aws.create_instance()
    assert aws.run("start", "--ttl", "1", "--no-wait", instance=other).code == 0
    assert aws.run("start", "--ttl", "1", "--no-wait").code == 0
    stop = aws.run("stop", "--drain-extra", "0")
    assert stop.code == 0, stop.describe()
    assert "last A record" not in stop.stderr
