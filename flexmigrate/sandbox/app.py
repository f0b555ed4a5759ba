"""The sandbox's behaviour: one request in, one :class:`Response` out, wire code elsewhere.

Every API request goes through the same steps: route -> authenticate -> (fault draw) -> sunset ->
version -> rate limit -> path and query validation -> the endpoint's handler.  Atlas documents no
order; authentication first is what clients observe, the rest is the sandbox's choice.  Routes are built
from the catalog's path templates, so both families and any future endpoint pair are served without
spelling a path here.
"""

from __future__ import annotations

import dataclasses
import gzip
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any
from urllib.parse import urlencode

from flexmigrate.catalog import Endpoint, Operation
from flexmigrate.sandbox.auth import Authenticator
from flexmigrate.sandbox.bodies import validate_body
from flexmigrate.sandbox.config import SandboxConfig
from flexmigrate.sandbox.dataset import EPOCH, Cluster, Dataset, Project, build_dataset, iso, new_restore_job
from flexmigrate.sandbox.drift import DriftEngine
from flexmigrate.sandbox.errors import ApiError, api_error, error_body
from flexmigrate.sandbox.facts import FAMILIES, facts
from flexmigrate.sandbox.faults import FaultInjector, FaultPlan
from flexmigrate.sandbox.http import Request, Response, json_bytes
from flexmigrate.sandbox.oauth import oauth_endpoint
from flexmigrate.sandbox.ratelimit import BucketSpec, RateLimiter

__all__ = ["SandboxApp"]

_TRUE, _FALSE = "true", "false"
CLUSTER_LIST = "list_flex_clusters"  # route kind of the Flex cluster list (cluster discovery)
CLUSTER_GET = "get_flex_cluster"  # route kind of one Flex cluster's description


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    method: str
    kind: str  # endpoint key, CLUSTER_LIST, or "token"/"revoke" for OAuth
    family: str = ""  # "old"/"new" for API routes, "" for OAuth
    operation: Operation | None = None  # None for the OAuth routes
    endpoint: Endpoint | None = None  # the catalog pair, for the six backup endpoints
    paginated: bool = False

    @property
    def is_api(self) -> bool:
        return self.operation is not None


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^{}]+\})", template)
    regex = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}/?$")


@dataclass
class Call:
    """One API request being answered (the parsed pieces every step needs)."""

    request: Request
    route: Route
    params: dict[str, str]  # path parameters under the family's own names
    ids: tuple[str, ...]  # the same values in path order: project, cluster, then the item id if any
    envelope: bool = False
    pretty: bool = False


class SandboxApp:
    def __init__(self, config: SandboxConfig, base_url: str = "") -> None:
        self.config = config
        self.base_url = base_url
        self.facts = facts()
        self.dataset: Dataset = build_dataset(config)
        data = self.facts.data
        self.auth = Authenticator(
            config.credentials, data["digest"]["realm"], config.nonce_ttl_seconds, config.token_ttl_seconds
        )
        specs = {
            fam: BucketSpec.from_data(data["rate_limits"]["buckets"][fam], config.rate_limit_scale or 1.0)
            for fam in FAMILIES
        }
        self.limiter = RateLimiter(specs, enabled=config.rate_limit_scale > 0)
        self.faults = FaultInjector(config.faults, config.seed)
        self.drift = DriftEngine(config.drift, self.dataset, config.seed)
        self._create_rng = random.Random(f"create/{config.seed}")
        self._create_clock = EPOCH + timedelta(days=400)  # after every seeded record
        self.routes = self._build_routes()
        self.handlers: dict[str, Callable[[Call], tuple[int, Any]]] = {
            "get_restore_job": partial(self._get, "restore_job"),
            "list_restore_jobs": partial(self._all, "restore_job"),
            "create_restore_job": self._create_restore_job,
            "download_snapshot": self._download,
            "list_snapshots": partial(self._all, "snapshot"),
            "get_snapshot": partial(self._get, "snapshot"),
            CLUSTER_LIST: self._clusters,
            CLUSTER_GET: self._one_cluster,
        }
        self.query_names = data["pagination"]["query"]

    # -- routing --------------------------------------------------------------------------------

    def _build_routes(self) -> list[Route]:
        routes = []
        page_param = self.facts.data["pagination"]["query"]["page_num"]
        for ep in self.facts.catalog.endpoints:
            for fam in FAMILIES:
                op = self.facts.op(ep, fam)
                routes.append(
                    Route(
                        _compile(op.path),
                        op.method,
                        ep.key,
                        fam,
                        op,
                        ep,
                        paginated=page_param in ep.query_params.get(fam, ()),
                    )
                )
        discovery = self.facts.cluster_list()
        if discovery is not None:
            routes.append(
                Route(
                    _compile(discovery.path), discovery.method, CLUSTER_LIST, "new", discovery, paginated=True
                )
            )
            one = dataclasses.replace(
                discovery,
                operation_id=self.facts.data["flex_cluster"]["get_operation_id"],
                path=discovery.path.rstrip("/") + "/{name}",
            )
            routes.append(Route(_compile(one.path), one.method, CLUSTER_GET, "new", one))
        oauth = self.facts.data["oauth"]
        routes.append(Route(_compile(oauth["token_path"]), "POST", "token"))
        routes.append(Route(_compile(oauth["revoke_path"]), "POST", "revoke"))
        return routes

    def _match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        path_matched = False
        for route in self.routes:
            m = route.pattern.match(path)
            if m:
                path_matched = True
                if route.method == method:
                    return route, m.groupdict(), True
        return None, {}, path_matched

    def _allowed(self, path: str) -> list[str]:
        """The methods some route serves at ``path``."""
        return sorted({route.method for route in self.routes if route.pattern.match(path)})

    # -- entry point ----------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        response = self._answer(request)
        # A faulty answer (cut, dribbled, not JSON) is sent as planned, uncompressed.
        if (
            response.body
            and response.plan.kind == "none"
            and _accepts_gzip(request.headers.get("accept-encoding", ""))
        ):
            # Atlas honours Accept-Encoding: gzip (the recorders removed Content-Encoding after
            # decompressing, so the recorded bodies are the uncompressed bytes).
            # A new answer: a prepared one may be served again, and must stay as it was.
            response = dataclasses.replace(
                response,
                body=gzip.compress(response.body, mtime=0),
                headers=[*response.headers, ("Content-Encoding", "gzip")],
            )
        return response

    def _answer(self, request: Request) -> Response:
        route, raw_params, path_matched = self._match(request.method, request.path)
        envelope = (request.arg(self.facts.data["pagination"]["query"]["envelope"]) or "").lower() == _TRUE
        pretty = (request.arg(self.facts.data["pagination"]["query"]["pretty"]) or "").lower() == _TRUE
        if route is None:
            name = "method_not_allowed" if path_matched else "route_not_found"
            err = api_error(name, request.path, method=request.method, path=request.path)
            if path_matched:  # RFC 9110 15.5.6: a 405 lists the methods the resource does allow
                err.headers["Allow"] = ", ".join(self._allowed(request.path))
            return self._error(err, False, pretty)  # envelope is for authenticated API answers only
        if not route.is_api:
            return oauth_endpoint(route.kind, request, self.auth, self.facts.data["oauth"])
        result = self.auth.authenticate(request.headers.get("authorization"), request.method, request.target)
        if not result.ok:
            # Never enveloped: a 401 turned into a 200 would hide the Digest challenge from the client,
            # and Atlas authenticates before the API layer that honours ``envelope`` runs.
            name = "token_expired" if result.problem == "expired" else "unauthorized"
            headers = {"WWW-Authenticate": result.challenge} if result.challenge else {}
            return self._unauthorized(api_error(name, headers=headers), name)
        plan = self.faults.plan(route.family)
        if plan.kind == "error":
            return self._injected_error(plan, envelope, pretty, route.family)
        assert route.operation is not None
        call = Call(request, route, raw_params, tuple(raw_params.values()), envelope, pretty)
        try:
            response = self._api(call)
        except ApiError as err:
            response = self._error(err, envelope, pretty, route.family)
        response.plan = plan
        return response

    def _api(self, call: Call) -> Response:
        route = call.route
        ep, op = route.endpoint, route.operation
        assert op is not None
        if route.family == "old" and self.config.retired and ep is not None:
            spec = self.facts.data["retired"]
            if self.config.retired_status != spec["status"]:  # as a route that no longer exists
                raise api_error("route_not_found", call.request.path, path=call.request.path)
            raise ApiError(
                spec["status"],
                error_body(
                    spec,
                    [op.operation_id],
                    operation_id=op.operation_id,
                    sunset=op.sunset or self.facts.catalog.sunset,
                    replacement=ep.new.operation_id,
                ),
            )
        self._check_version(call)
        limits = self.facts.data["rate_limits"]
        names = limits["headers"]
        decision = self.limiter.take(route.family, call.ids[0])
        rl_headers: dict[str, str] = {}
        if self.config.rate_limit_headers:  # every answer that took (or wanted) a token reports the bucket
            rl_headers = {names["limit"]: str(decision.limit), names["remaining"]: str(decision.remaining)}
        if not decision.allowed:
            spec = decision.spec
            values = (
                spec.endpoint_set,
                decision.retry_after,
                spec.capacity,
                _num(spec.refill_rate),
                _num(spec.refill_seconds),
            )
            body = error_body(
                limits,
                list(values),
                endpoint_set=values[0],
                retry_after=values[1],
                capacity=values[2],
                refill_rate=values[3],
                refill_seconds=values[4],
            )
            raise ApiError(
                limits["status"], body, {**rl_headers, names["retry_after"]: str(decision.retry_after)}
            )
        try:
            self._check_path(call)
            self._bool_arg(call, "envelope", False)  # already applied; a value other than true/false is a 400
            self._bool_arg(call, "pretty", False)
            status, body = self.handlers[route.kind](call)
        except ApiError as err:
            err.headers.update(rl_headers)
            raise
        content_type = self._success_type(route.family)
        response = self._body(status, body, call.envelope, call.pretty, content_type)
        response.headers.extend(rl_headers.items())
        return response

    # -- checks ---------------------------------------------------------------------------------

    def _check_version(self, call: Call) -> None:
        wanted = self.facts.media_type(call.route.family)
        accept = call.request.headers.get("accept", "")
        offered = [part.split(";")[0].strip().lower() for part in accept.split(",")]
        if wanted not in offered:
            spec = dict(self.facts.data["version_error"])
            spec["status"] = self.config.version_error_status
            spec["reason"] = spec["reasons"][str(spec["status"])]
            raise ApiError(spec["status"], error_body(spec, [accept]))

    def _check_path(self, call: Call) -> None:
        catalog = self.facts.catalog
        for position, (name, value) in enumerate(call.params.items()):
            # fullmatch: the spec's "^...$" would let re.match accept a trailing newline
            if name in catalog.path_patterns and not catalog.pattern(name).fullmatch(value):
                if position == 0:  # the project (group) id
                    raise api_error("invalid_group_id", value, value=value)
                err = api_error(
                    "invalid_path_param",
                    name,
                    value,
                    param=name,
                    value=value,
                    pattern=catalog.path_patterns[name],
                )
                ef = self.facts.fields("error")
                violation = {ef["violation_field"]: name, ef["violation_description"]: err.body[ef["detail"]]}
                err.body[ef["bad_request_detail"]] = {ef["violations"]: [violation]}
                raise err

    def _bool_arg(self, call: Call, key: str, default: bool) -> bool:
        name = self.query_names[key]
        raw = call.request.arg(name)
        if raw is None:
            return default
        if raw.lower() in (_TRUE, _FALSE):
            return raw.lower() == _TRUE
        raise api_error("invalid_query_param", name, param=name)

    def _int_arg(self, call: Call, key: str, limits: dict[str, int]) -> int:
        name = self.query_names[key]
        raw = call.request.arg(name)
        if raw is None:
            return limits["default"]
        if not raw.isascii() or not raw.isdigit():  # int() would also take " 5", "+5" and "1_0"
            raise api_error("invalid_query_param", name, param=name)
        value = int(raw)
        if value < limits["minimum"] or value > limits.get("maximum", value):
            raise api_error("invalid_query_param", name, param=name)
        return value

    # -- lookups --------------------------------------------------------------------------------

    def _project(self, call: Call) -> Project:
        group_id = call.ids[0]
        project = self.dataset.projects.get(group_id)
        if project is None:
            raise api_error("group_not_found", group_id, groupId=group_id)
        return project

    def _cluster(self, call: Call) -> Cluster:
        project = self._project(call)
        name = call.ids[1]
        cluster = project.clusters.get(name)
        if cluster is None and name in project.dedicated and call.route.family == "new":
            raise api_error("non_flex_cluster", name, clusterName=name)
        if cluster is None:
            raise api_error("cluster_not_found", name, project.id, clusterName=name, groupId=project.id)
        return cluster

    # -- rendering ------------------------------------------------------------------------------

    def _href(self, endpoint_key: str, family: str, *ids: str) -> str:
        """The URL of a resource of ``family`` given its path parameter values in order."""
        op = self.facts.op(self.facts.catalog.endpoint(endpoint_key), family)
        path = op.path
        for name, value in zip(op.path_params, ids):
            path = path.replace("{" + name + "}", value)
        return self.base_url + path

    def _link(self, rel: str, href: str) -> dict[str, str]:
        lf = self.facts.fields("link")
        return {lf["href"]: href, lf["rel"]: lf[rel]}

    def _record(self, kind: str, family: str, record: dict[str, Any], cluster: Cluster) -> dict[str, Any]:
        f = self.facts.fields(kind)
        item_key = "get_restore_job" if kind == "restore_job" else "get_snapshot"
        ep = self.facts.catalog.endpoint(item_key)
        renames = self.facts.rename_map(ep)
        out = {renames.get(k, k): v for k, v in record.items()} if family == "new" else dict(record)
        href = self._href(item_key, family, cluster.project_id, cluster.name, record[f["id"]])
        if self.facts.data["wire"]["item_links"][family]:  # the real Flex items carry none
            out[f["links"]] = [self._link("self", href)]
        if self.drift.active:
            self.drift.apply(kind, family, out, renames)
        return out

    def _list(
        self, call: Call, records: list[Any], render: Callable[[Any], dict[str, Any]]
    ) -> dict[str, Any]:
        """A list answer: all records (tenant) or one page of them with count and links (Flex)."""
        lf = self.facts.fields("list")
        base = self.base_url + call.request.path
        if not call.route.paginated:
            return {
                lf["links"]: [self._link("self", base)],
                lf["results"]: [render(r) for r in records],
                lf["total_count"]: len(records),
            }
        pag = self.facts.data["pagination"]
        page = self._int_arg(call, "page_num", pag["page_num"])
        per_page = self._int_arg(call, "items_per_page", pag["items_per_page"])
        include_count = self._bool_arg(call, "include_count", pag["include_count_default"])
        start = (page - 1) * per_page
        served = min(per_page, self.config.page_cap) if self.config.page_cap else per_page
        chunk = records[start : start + served]

        def page_href(n: int) -> str:
            # As recorded: includeCount, pageNum, itemsPerPage, whether the request named them or not.
            query = {
                self.query_names["include_count"]: _TRUE if include_count else _FALSE,
                self.query_names["page_num"]: n,
                self.query_names["items_per_page"]: per_page,
            }
            return f"{base}?{urlencode(query)}"

        links = []
        if page > 1:
            links.append(self._link("previous", page_href(page - 1)))
        links.append(self._link("self", page_href(page)))
        if start + per_page < len(records):
            links.append(self._link("next", page_href(page + 1)))
        body: dict[str, Any] = {
            lf["links"]: links,
            lf["results"]: [render(r) for r in chunk],
        }
        if include_count:
            body[lf["total_count"]] = len(records)
        return body

    def _body(self, status: int, body: Any, envelope: bool, pretty: bool, content_type: str) -> Response:
        if envelope:
            ef = self.facts.fields("envelope")
            lf = self.facts.fields("list")
            if isinstance(body, dict) and lf["results"] in body:
                body = {**body, ef["status"]: status}  # lists: the list object is the envelope
            else:
                body = {ef["status"]: status, ef["content"]: body}
            status = 200
        return Response(status, json_bytes(body, pretty), content_type)

    def _unauthorized(self, err: ApiError, name: str) -> Response:
        """A 401 laid out as the real Atlas lays it out (sandbox.json ``wire.unauthorized``)."""
        layout = self.facts.data["wire"]["unauthorized"]
        ef = self.facts.fields("error")
        names = {"error": ef["status"], "reason": ef["reason"], "detail": ef["detail"]}
        body = {names.get(key, key): err.body[names.get(key, key)] for key in layout["keys"]}
        code = err.body.get(ef["code"])
        if name in layout["error_code_for"] and isinstance(code, str):
            body[ef["code"]] = code
        response = Response(
            err.status, json_bytes(body, layout["pretty"]), self.facts.data["wire"]["error_content_type"]
        )
        response.headers.extend(err.headers.items())
        if isinstance(code, str) and ef["code"] in body:
            response.headers.append((self.facts.data["wire"]["error_code_header"], code))
        return response

    def _success_type(self, family: str) -> str:
        """The Content-Type of a successful answer of ``family`` (as recorded, with its charset)."""
        return self.facts.media_type(family) + self.facts.data["wire"]["success_content_type_suffix"]

    def _error(self, err: ApiError, envelope: bool, pretty: bool, family: str | None = None) -> Response:
        if self.config.error_parameters == "empty":
            err.body[self.facts.fields("error")["parameters"]] = []
        wire = self.facts.data["wire"]
        # An enveloped error is a 200 like an enveloped success, and has its content type.
        content_type = self._success_type(family) if envelope and family else wire["error_content_type"]
        response = self._body(err.status, err.body, envelope, pretty, content_type)
        response.headers.extend(err.headers.items())
        code = err.body.get(self.facts.fields("error")["code"])
        if isinstance(code, str):
            response.headers.append((wire["error_code_header"], code))
        return response

    def _injected_error(self, plan: FaultPlan, envelope: bool, pretty: bool, family: str) -> Response:
        name = {500: "server_error", 502: "bad_gateway", 503: "unavailable"}[plan.status]
        headers = {}
        if plan.status == 503:
            headers[self.facts.data["rate_limits"]["headers"]["retry_after"]] = str(
                self.config.faults.retry_after_seconds
            )
        response = self._error(api_error(name, headers=headers), envelope, pretty, family)
        response.plan = FaultPlan(delay=plan.delay)
        return response

    # -- handlers -------------------------------------------------------------------------------

    def _find(self, kind: str, family: str, cluster: Cluster, record_id: str) -> dict[str, Any]:
        """The record as ``family`` knows it; an ``absent`` drift rule hides it from that family only."""
        store = cluster.restore_jobs if kind == "restore_job" else cluster.snapshots
        record = store.get(record_id)
        if record is None or self.drift.absent(kind, family, record_id):
            raise api_error(f"{kind}_not_found", record_id, cluster.name, id=record_id, cluster=cluster.name)
        return record

    def _get(self, kind: str, call: Call) -> tuple[int, Any]:
        cluster = self._cluster(call)
        family = call.route.family
        return 200, self._record(kind, family, self._find(kind, family, cluster, call.ids[2]), cluster)

    def _all(self, kind: str, call: Call) -> tuple[int, Any]:
        cluster = self._cluster(call)
        family = call.route.family
        store = cluster.restore_jobs if kind == "restore_job" else cluster.snapshots
        # Absent records are dropped before paging, so counts and next links describe what is listed.
        id_field = self.facts.fields(kind)["id"]
        records = [r for r in store.values() if not self.drift.absent(kind, family, r[id_field])]
        if kind == "restore_job" and self.facts.data["recorded_data"]["restore_jobs_newest_first"]:
            scheduled = self.facts.fields("restore_job")["restore_scheduled"]
            records.sort(key=lambda r: (r[scheduled], r[id_field]), reverse=True)
        return 200, self._list(call, records, lambda record: self._record(kind, family, record, cluster))

    def _clusters(self, call: Call) -> tuple[int, Any]:
        """listFlexClusters: the project's clusters, as the checker discovers them."""
        project = self._project(call)
        return 200, self._list(call, list(project.clusters.values()), self._describe)

    def _one_cluster(self, call: Call) -> tuple[int, Any]:
        """getFlexCluster: one cluster's description; an unknown name is 404 CLUSTER_NOT_FOUND."""
        return 200, self._describe(self._cluster(call))

    def _describe(self, cluster: Cluster) -> dict[str, Any]:
        """A Flex cluster as listFlexClusters and getFlexCluster describe it (no links, as recorded)."""
        f = self.facts.fields("flex_cluster")
        values = self.facts.data["flex_cluster"]
        described = values["description"]
        host = described["connection_host"].format(name=cluster.name.lower())
        versions = self.facts.data["mongodb_versions"]
        fixed = {k: v for k, v in described.items() if not k.startswith("_") and k != "connection_host"}
        out = {
            **fixed,
            f["cluster_type"]: values["cluster_type"],
            f["connection_strings"]: {
                f["standard"]: f"mongodb://{host}:27017/?ssl=true",
                f["standard_srv"]: f"mongodb+srv://{host}",
            },
            f["create_date"]: iso(datetime.fromtimestamp(int(cluster.id[:8], 16), timezone.utc)),
            f["project"]: cluster.project_id,
            f["id"]: cluster.id,
            f["mongodb_version"]: versions[int(cluster.id[-6:], 16) % len(versions)],
            f["name"]: cluster.name,
            f["state"]: values["state"],
        }
        return dict(sorted(out.items()))

    def _new_job(self, call: Call, delivery: str) -> tuple[int, Any]:
        cluster = self._cluster(call)
        rules = self.facts.data["request_bodies"]
        body = validate_body(call.request.body, rules[call.route.kind][call.route.family], rules["formats"])
        f = self.facts.fields("restore_job")
        snap = self._find("snapshot", call.route.family, cluster, body[f["snapshot_id"]])
        target_project = body.get(f["target_project"])
        target_name = body.get(f["target_name"])
        if target_project is not None and target_project not in self.dataset.projects:
            raise api_error("group_not_found", target_project, groupId=target_project)
        if target_name is not None:
            project = self.dataset.projects[target_project or cluster.project_id]
            if target_name not in project.clusters:
                raise api_error(
                    "cluster_not_found", target_name, project.id, clusterName=target_name, groupId=project.id
                )
        # A created job is dated now, its id's time too, and answers PENDING, as the real Atlas does;
        # never before the seeded data's last job (a machine whose clock is behind).
        self._create_clock = max(
            self._create_clock + timedelta(seconds=1), datetime.now(timezone.utc).replace(microsecond=0)
        )
        job = new_restore_job(
            self._create_rng,
            self._create_clock,
            cluster,
            snap,
            delivery,
            self.facts.data["recorded_data"]["created_status"],
            target_name,
            target_project or cluster.project_id,
        )
        cluster.restore_jobs[job[f["id"]]] = job
        return 200, self._record("restore_job", call.route.family, job, cluster)

    def _create_restore_job(self, call: Call) -> tuple[int, Any]:
        return self._new_job(call, self.facts.data["enums"]["delivery_type"][0])

    def _download(self, call: Call) -> tuple[int, Any]:
        return self._new_job(call, self.facts.data["enums"]["delivery_type"][1])

    # -- OAuth ----------------------------------------------------------------------------------


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header accepts gzip (a ``q=0`` refuses it)."""
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "x-gzip"):
            q = params.strip()
            return not (q.startswith("q=") and float(q[2:] or 0) == 0)
    return False
