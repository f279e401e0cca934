"""One AMI, many fleets: settings from the instance's tags in instance metadata (issue 9,
part 4), with --from-tags or R53HOOK_TAGS=true; below flag, environment and config file."""

from __future__ import annotations

from typing import Any

from harness import NAME, World


def tagged(aws: World, tags: dict[str, str], metadata_tags: bool = True) -> dict[str, Any]:
    return aws.create_instance(tags=tags, metadata_tags=metadata_tags)


def template(aws: World, **more: str) -> dict[str, str]:
    """The tags of a launch template: the zone, the name, and more (weight="7" is r53hook:weight)."""
    return {"r53hook:zone-id": aws.zone_id, "r53hook:name": NAME} | {f"r53hook:{k}": v for k, v in more.items()}


def weights(aws: World) -> dict[str, int]:
    return {r["SetIdentifier"]: r["Weight"] for r in aws.records() if r["Type"] == "A"}


def test_an_instance_joins_where_its_tags_say(aws: World):
    inst = tagged(aws, template(aws, weight="7", ttl="1"))
    run = aws.run("start", "--from-tags", "--no-wait", zone=False, name=False, instance=inst)
    assert run.code == 0, run.describe()
    assert weights(aws) == {inst["instance_id"]: 7}
    # The same with R53HOOK_TAGS in the environment, and stop finds the record the same way.
    stop = aws.run("stop", "--drain-extra", "0", zone=False, name=False, instance=inst, R53HOOK_TAGS="true")
    assert stop.code == 0, stop.describe()
    assert aws.records() == []


def test_flag_environment_and_file_beat_tags(aws: World):
    inst = tagged(aws, template(aws, weight="7", ttl="99"))
    conf = aws.tmp / "r53hook.conf"
    conf.write_text("R53HOOK_TTL=11\n")
    run = aws.run("start", "--from-tags", "--no-wait", "--weight", "3", "--config", str(conf), zone=False, name=False,
                  instance=inst)
    assert run.code == 0, run.describe()
    [record] = [r for r in aws.records() if r["Type"] == "A"]
    assert record["Weight"] == 3 and record["TTL"] == 11, record


def test_without_from_tags_the_tags_are_not_read(aws: World):
    inst = tagged(aws, {"r53hook:zone-id": aws.zone_id, "r53hook:name": NAME})
    run = aws.run("start", "--no-wait", zone=False, name=False, instance=inst)
    assert run.code == 64, run.describe()
    assert "nothing to join" in run.stderr
    assert not any("tags" in e[2] for e in aws.stats()["timeline"] if e[1] == "imds")


def test_tags_not_allowed_in_metadata_say_how_to_allow_them(aws: World):
    inst = tagged(aws, {"r53hook:zone-id": aws.zone_id, "r53hook:name": NAME}, metadata_tags=False)
    run = aws.run("start", "--from-tags", zone=False, name=False, instance=inst)
    assert run.code == 78, run.describe()
    assert "InstanceMetadataTags=enabled" in run.stderr and "--from-tags" in run.stderr, run.stderr
    assert aws.records() == []


def test_a_bad_tag_is_named_before_any_change(aws: World):
    inst = tagged(aws, {"r53hook:zone-id": aws.zone_id, "r53hook:name": NAME, "r53hook:weight": "300"})
    run = aws.run("start", "--from-tags", zone=False, name=False, instance=inst)
    assert run.code == 78, run.describe()
    assert "invalid instance tag r53hook:weight '300'" in run.stderr, run.stderr
    assert aws.route53_calls() == {}


def test_an_unknown_r53hook_tag_is_refused_with_the_known_ones(aws: World):
    inst = tagged(aws, {"r53hook:zone-id": aws.zone_id, "r53hook:nmae": NAME})
    run = aws.run("start", "--from-tags", zone=False, name=False, instance=inst)
    assert run.code == 78, run.describe()
    assert "unknown instance tag r53hook:nmae" in run.stderr and "r53hook:name" in run.stderr, run.stderr
