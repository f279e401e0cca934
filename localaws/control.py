"""The control API under /_localaws: JSON in, JSON out, no auth."""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import threading
from datetime import timezone
from typing import Any

from .auth import ACCOUNT_ID, FULL_ACCESS
from .events import InstanceEvents
from .imds import IMDS

ADMIN_USER = "localaws-admin"
DEFAULT_AMI = "ami-12c6146b"  # one of localaws/amis.json (an Amazon Linux AMI moto knows)
DEFAULT_ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["route53:*", "elasticloadbalancing:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"},
        # What r53hook watch calls for lifecycle hooks (issue 10).
        {
            "Effect": "Allow",
            "Action": [
                "autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat",
                "autoscaling:DescribeLifecycleHooks", "autoscaling:DescribeAutoScalingInstances",
            ],
            "Resource": "*",
        },
    ],
}
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
INSTANCE_KEYS = {
    "public_ipv4", "ipv6", "tokens", "availability_zone", "role_policy", "credentials_ttl", "role_name", "tags",
    "metadata_tags", "autoscaling_group",
}
PATCH_KEYS = {"imds", "imds_slow_ms", "imds_503_count", "items", "rotate_credentials", "credentials_ttl", "elb_health"}
EVENT_KEYS = {"spot_action", "maintenance_events", "rebalance", "lifecycle_state"}  # events.py


# The tag keys EC2 allows while tags are in instance metadata.
IMDS_TAG_KEY = re.compile(r"[A-Za-z0-9+\-=.,_:@]+")


class BadRequest(Exception):
    pass


class NotFound(Exception):
    pass


class Instance:
    def __init__(self, info: dict[str, Any], imds: IMDS, events: InstanceEvents):
        self.info = info
        self.imds = imds
        self.events = events

    def public(self) -> dict[str, Any]:
        i = self.info
        return {
            "instance_id": i["instance_id"],
            "imds_endpoint": self.imds.endpoint,
            "private_ipv4": i["private_ipv4"],
            "public_ipv4": i.get("public_ipv4"),
            "ipv6": i.get("ipv6"),
            "availability_zone": i["availability_zone"],
            "region": i["region"],
            "role_name": i["role_name"],
            "mac": i["mac"],
            "autoscaling_group": i.get("autoscaling_group"),
        }


class Control:
    def __init__(self, app: Any):
        self.app = app
        self.instances: dict[str, Instance] = {}
        self.instances_lock = threading.Lock()

    # ------------------------------------------------------------------ routing
    def handle(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "").rstrip("/")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        try:
            body = json.loads(raw) if raw.strip() else {}
            if not isinstance(body, dict):
                raise BadRequest("the body must be a JSON object")
            status, payload = self.route(method, path, body)
        except json.JSONDecodeError as exc:
            status, payload = 400, {"error": f"invalid JSON: {exc}"}
        except (BadRequest, ValueError, TypeError) as exc:
            status, payload = 400, {"error": str(exc)}
        except NotFound as exc:
            status, payload = 404, {"error": str(exc)}
        except Exception as exc:  # the control API must answer, whatever moto raised
            status, payload = 500, {"error": f"{type(exc).__name__}: {exc}"}
        return self.app.json_response(status, payload)

    def route(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        app = self.app
        if path == "/_localaws" and method == "GET":
            return 200, self.describe()
        if path == "/_localaws/users" and method == "POST":
            return 200, self.create_user(body)
        if path == "/_localaws/instances" and method == "POST":
            return 200, self.create_instance(body)
        if path == "/_localaws/instances" and method == "GET":
            with self.instances_lock:
                return 200, [i.public() for i in self.instances.values()]
        m = re.match(r"^/_localaws/instances/([^/]+)$", path)
        if m and method == "PATCH":
            return 200, self.patch_instance(m.group(1), body)
        if m and method == "DELETE":
            return 200, self.delete_instance(m.group(1))
        if m and method == "GET":
            return 200, self.get_instance(m.group(1)).public()
        if path == "/_localaws/faults":
            if method == "POST":
                app.faults.update(body)
                return 200, app.faults.snapshot()
            if method == "DELETE":
                app.faults.clear()
                return 200, app.faults.snapshot()
            if method == "GET":
                return 200, app.faults.snapshot()
        if path == "/_localaws/route53":
            if method == "POST":
                if "insync_delay" in body:
                    delay = float(body["insync_delay"])
                    if delay < 0:
                        raise BadRequest("insync_delay must be >= 0")
                    app.route53.insync_delay = delay
                if "invalid_change_batch_shape" in body:
                    shape = body["invalid_change_batch_shape"]
                    if shape not in app.route53.SHAPES:
                        raise BadRequest(f"invalid_change_batch_shape must be one of {', '.join(app.route53.SHAPES)}")
                    app.route53.invalid_change_batch_shape = shape
                unknown = set(body) - {"insync_delay", "invalid_change_batch_shape"}
                if unknown:
                    raise BadRequest(f"unknown field(s): {', '.join(sorted(unknown))}")
            if method in ("GET", "POST"):
                return 200, {
                    "insync_delay": app.route53.insync_delay,
                    "invalid_change_batch_shape": app.route53.invalid_change_batch_shape,
                }
        m = re.match(r"^/_localaws/route53/history(?:/([^/]+))?$", path)
        if m and method == "GET":
            with app.lock:
                return 200, app.route53.history_of(m.group(1))
        if path == "/_localaws/elb":
            if method == "POST":
                return 200, app.elb.configure(body)
            if method == "GET":
                return 200, app.elb.settings()
        if path == "/_localaws/autoscaling":
            if method == "POST":
                return 200, app.autoscaling.configure(body)
            if method == "GET":
                return 200, app.autoscaling.settings()
        m = re.match(r"^/_localaws/autoscaling/([^/]+)/(scale-in|launch|actions)$", path)
        if m:
            group, verb = m.group(1), m.group(2)
            if verb == "actions" and method == "GET":
                return 200, app.autoscaling.list_actions(group)
            if verb == "scale-in" and method == "POST":
                return 200, app.autoscaling.scale_in(group, body)
            if verb == "launch" and method == "POST":
                return 200, app.autoscaling.launch(group, body)
        if path == "/_localaws/stats":
            if method == "GET":
                return 200, app.stats.snapshot()
            if method == "DELETE":
                app.stats.clear()
                return 200, app.stats.snapshot()
        if path == "/_localaws/clock":
            if method == "POST":
                unknown = set(body) - {"offset_seconds"}
                if unknown:
                    raise BadRequest(f"unknown field(s): {', '.join(sorted(unknown))}")
                if "offset_seconds" in body:
                    offset = float(body["offset_seconds"])
                    if not abs(offset) <= 366 * 86400:
                        raise BadRequest("offset_seconds must be a number of seconds within a year")
                    app.clock_offset = offset
            if method in ("GET", "POST"):
                return 200, {"offset_seconds": app.clock_offset, "now": app.now().strftime("%Y-%m-%dT%H:%M:%SZ")}
        if path == "/_localaws/reset" and method == "POST":
            self.reset()
            return 200, self.describe()
        raise NotFound(f"no control endpoint {method} {path}")

    def describe(self) -> dict[str, Any]:
        app = self.app
        return {
            "endpoint": app.endpoint,
            "control": app.endpoint + "/_localaws",
            "region": "us-east-1",
            "admin": dict(app.admin),
        }

    # ------------------------------------------------------------------ IAM
    @staticmethod
    def iam() -> Any:
        from moto.iam.models import iam_backends

        return iam_backends[ACCOUNT_ID]["aws"]

    def create_admin(self) -> None:
        """Create the admin user; after a reset, give it back the keys it had."""
        with self.app.lock:
            iam = self.iam()
            iam.create_user(region_name="us-east-1", user_name=ADMIN_USER)
            iam.put_user_policy(ADMIN_USER, "localaws-full-access", json.dumps(FULL_ACCESS))
            key = iam.create_access_key(ADMIN_USER)
            if self.app.admin:
                del iam.access_keys[key.access_key_id]
                key.access_key_id = self.app.admin["access_key_id"]
                key.secret_access_key = self.app.admin["secret_access_key"]
                iam.access_keys[key.access_key_id] = key
            else:
                self.app.admin = {
                    "access_key_id": key.access_key_id,
                    "secret_access_key": key.secret_access_key,
                }

    def create_user(self, body: dict[str, Any]) -> dict[str, Any]:
        name = body.get("name") or f"user-{secrets.token_hex(4)}"
        if not re.match(r"^[\w+=,.@-]{1,64}$", name):
            raise BadRequest("name must match [\\w+=,.@-]{1,64}")
        policy = body.get("policy", FULL_ACCESS)
        if not isinstance(policy, dict):
            raise BadRequest("policy must be an IAM policy document (a JSON object)")
        with self.app.lock:
            iam = self.iam()
            if name in iam.users:
                raise BadRequest(f"user {name} already exists")
            user = iam.create_user(region_name="us-east-1", user_name=name)
            iam.put_user_policy(name, "localaws-policy", json.dumps(policy))
            key = iam.create_access_key(name)
            return {"access_key_id": key.access_key_id, "secret_access_key": key.secret_access_key, "arn": user.arn}

    # ------------------------------------------------------------------ instances
    def get_instance(self, instance_id: str) -> Instance:
        with self.instances_lock:
            inst = self.instances.get(instance_id)
        if inst is None:
            raise NotFound(f"no instance {instance_id} (create it with POST /_localaws/instances)")
        return inst

    def create_instance(self, body: dict[str, Any]) -> dict[str, Any]:
        unknown = set(body) - INSTANCE_KEYS
        if unknown:
            raise BadRequest(f"unknown field(s): {', '.join(sorted(unknown))}")
        public = bool(body.get("public_ipv4", True))
        want_ipv6 = bool(body.get("ipv6", False))
        tokens = body.get("tokens", "required")
        if tokens not in ("required", "optional"):
            raise BadRequest("tokens must be 'required' or 'optional'")
        az = body.get("availability_zone", "us-east-1a")
        if not re.match(r"^[a-z]{2}(-[a-z]+)+-\d[a-z]$", az):
            raise BadRequest("availability_zone must look like us-east-1a")
        region = az[:-1]
        role_policy = body.get("role_policy", DEFAULT_ROLE_POLICY)
        if not isinstance(role_policy, dict):
            raise BadRequest("role_policy must be an IAM policy document (a JSON object)")
        ttl = int(body.get("credentials_ttl", 3600))
        if ttl < 1:
            raise BadRequest("credentials_ttl must be >= 1 second")
        tags = body.get("tags", {})
        if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
            raise BadRequest("tags must be an object of string keys and values")
        metadata_tags = bool(body.get("metadata_tags", False))
        if metadata_tags:
            # EC2 refuses to allow tags in metadata while a key breaks the IMDS rule.
            bad = [k for k in tags if not IMDS_TAG_KEY.fullmatch(k) or k in (".", "..", "_index")]
            if bad:
                raise BadRequest(f"tag keys {bad} cannot be in instance metadata (letters, digits, + - = . , _ : @)")
        group = body.get("autoscaling_group")
        if group is not None and (not isinstance(group, str) or not 1 <= len(group) <= 255):
            raise BadRequest("autoscaling_group must be an Auto Scaling group name (1-255 characters)")
        suffix = secrets.token_hex(4)
        role_name = body.get("role_name") or f"localaws-instance-{suffix}"
        with self.app.lock:
            iam = self.iam()
            role = iam.create_role(
                role_name=role_name, assume_role_policy_document=json.dumps(EC2_TRUST), path="/",
                permissions_boundary=None, description="localaws instance role", tags=[],
                max_session_duration=None,
            )
            iam.put_role_policy(role_name, "localaws-role-policy", json.dumps(role_policy))
            profile = iam.create_instance_profile(name=role_name, path="/", role_names=[role_name])
            role_arn = role.arn
            profile_arn = profile.arn
            profile_id = profile.id
        ec2 = self.app.internal_client("ec2", region)
        subnets = ec2.describe_subnets(
            Filters=[
                {"Name": "default-for-az", "Values": ["true"]},
                {"Name": "availability-zone", "Values": [az]},
            ]
        )["Subnets"]
        if not subnets:
            raise BadRequest(f"no default subnet in {az}")
        subnet = subnets[0]
        image_id = DEFAULT_AMI
        nic = {"DeviceIndex": 0, "SubnetId": subnet["SubnetId"], "AssociatePublicIpAddress": public}
        run = ec2.run_instances(
            ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="t3.micro",
            NetworkInterfaces=[nic],
            IamInstanceProfile={"Arn": profile_arn},
            MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1},
            TagSpecifications=[
                {
                    "ResourceType": "instance",
                    "Tags": [{"Key": "Name", "Value": f"localaws-{suffix}"}]
                    + [{"Key": k, "Value": v} for k, v in tags.items()],
                }
            ],
        )
        instance_id = run["Instances"][0]["InstanceId"]
        described = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
        eni = described["NetworkInterfaces"][0]
        ipv6 = None
        if want_ipv6:
            host_bits = secrets.randbits(64)
            ipv6 = str(ipaddress.IPv6Address((0x2600_1F18_0000_0000 + secrets.randbits(32)) << 64 | host_bits))
            ec2.assign_ipv6_addresses(NetworkInterfaceId=eni["NetworkInterfaceId"], Ipv6Addresses=[ipv6])
        info = {
            "instance_id": instance_id,
            "private_ipv4": described["PrivateIpAddress"],
            "public_ipv4": described.get("PublicIpAddress") if public else None,
            "ipv6": ipv6,
            "availability_zone": az,
            "region": region,
            "role_name": role_name,
            "mac": eni["MacAddress"],
            "eni_id": eni["NetworkInterfaceId"],
            "subnet_id": subnet["SubnetId"],
            "vpc_id": subnet["VpcId"],
            "image_id": image_id,
            "instance_type": described.get("InstanceType", "t3.micro"),
            "private_dns": described.get("PrivateDnsName", ""),
            "public_dns": described.get("PublicDnsName", ""),
            "launch_time": described["LaunchTime"].astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "instance_profile_arn": profile_arn,
            "instance_profile_id": profile_id,
            "account_id": ACCOUNT_ID,
            "metadata_tags": metadata_tags,
        }

        def instance_tags() -> dict[str, str]:
            # Live from EC2, as IMDS reflects tags added or removed while the instance runs.
            described = self.app.internal_client("ec2", region).describe_tags(
                Filters=[{"Name": "resource-id", "Values": [instance_id]}]
            )["Tags"]
            return {t["Key"]: t["Value"] for t in described}

        def mint(duration: int) -> tuple[str, str, str, float]:
            from moto.sts.models import sts_backends

            with self.app.lock:
                assumed = sts_backends[ACCOUNT_ID]["aws"].assume_role(
                    region_name=region, role_session_name=instance_id, role_arn=role_arn,
                    policy=None, duration=duration, external_id=None,
                )
                expires = assumed.expiration.replace(tzinfo=timezone.utc).timestamp()
                return assumed.access_key_id, assumed.secret_access_key, assumed.session_token, expires

        stats = self.app.stats
        events = InstanceEvents()
        imds = IMDS(
            self.app.host, info, mint,
            on_request=lambda path, status: stats.record_imds(instance_id, path, status),
            tokens_required=tokens == "required", credentials_ttl=ttl, tags=instance_tags, events=events.items,
        )
        inst = Instance(info, imds, events)
        with self.instances_lock:
            self.instances[instance_id] = inst
        if group:
            self.app.autoscaling.attach(inst, group)
        return inst.public()

    def patch_instance(self, instance_id: str, body: dict[str, Any]) -> dict[str, Any]:
        inst = self.get_instance(instance_id)
        unknown = set(body) - PATCH_KEYS - EVENT_KEYS
        if unknown:
            raise BadRequest(f"unknown field(s): {', '.join(sorted(unknown))}")
        inst.events.configure({k: v for k, v in body.items() if k in EVENT_KEYS})
        if "elb_health" in body:
            self.app.elb.force(instance_id, body["elb_health"])
        inst.imds.configure({k: v for k, v in body.items() if k in PATCH_KEYS and k != "elb_health"})
        out = inst.public()
        out["imds"] = inst.imds.mode
        out.update(inst.events.snapshot())
        return out

    def delete_instance(self, instance_id: str) -> dict[str, Any]:
        inst = self.get_instance(instance_id)
        inst.imds.stop()
        with self.instances_lock:
            self.instances.pop(instance_id, None)
        self.app.autoscaling.forget(instance_id)
        ec2 = self.app.internal_client("ec2", inst.info["region"])
        ec2.terminate_instances(InstanceIds=[instance_id])
        state = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
        return {"instance_id": instance_id, "state": state}

    # ------------------------------------------------------------------ reset
    def stop_all(self) -> None:
        with self.instances_lock:
            instances = list(self.instances.values())
            self.instances.clear()
        for inst in instances:
            inst.imds.stop()

    def reset(self) -> None:
        from moto.moto_api._internal.models import moto_api_backend

        self.stop_all()
        with self.app.lock:
            moto_api_backend.reset()
            self.app.route53.reset()
            self.app.elb.reset()
            self.app.autoscaling.reset()
            self.create_admin()
        self.app.faults.clear()
        self.app.stats.clear()
        self.app.clock_offset = 0.0
