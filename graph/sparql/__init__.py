"""Running user SPARQL safely: what form a query is, refusing updates, choosing the result format, and a
time limit that really stops the engine. The public API, listed once:

    query_form(text)                      "SELECT" | "ASK" | "CONSTRUCT" | "DESCRIBE" | an update keyword | ""
    check_read_only(text)                 the form; `QueryForbidden` for SPARQL Update
    choose_format(form, accept, name)     a `Format` from `?format=` or the Accept header (q-values)
    negotiate(accept, offers)             the offered media type the client prefers
    service_description(endpoint, graph_iris)   the endpoint's `sd:Service`, an rdflib Graph
    execute(store, request)               run in this process, no limit: (body, media type)
    query_runner(store, timeout, …)       a `Runner` whose `run(request)` gives up after `timeout` seconds
    DumpRequest(what, format, graph, timeout)   a whole-graph dump for a runner's worker (`graph.export.dump`)
    Limits, check_shape, check_reach      the public endpoint's caps; no SERVICE, no graphs not ours
    QueryRefused, QueryBusy, QueryCrashed   400 past a cap / 503 when full / 400 when a query kills its worker

`protocol` holds the engine-independent rules, `guard` the caps and the reach check, `results` the capped
run of one query, `runner` the runners, `pool` the worker processes in their two lanes, `worker` one of them.
"""

from .guard import (
    Limits,
    QueryBusy,
    QueryCrashed,
    QueryRefused,
    check_reach,
    check_shape,
    cores,
    iri_ref,
    nesting_depth,
)
from .pool import WorkerPool
from .protocol import (
    GRAPH_FORMATS,
    QUERY_FORMS,
    RESULT_FORMATS,
    SD,
    UPDATE_FORMS,
    Format,
    check_read_only,
    choose_format,
    formats_for,
    negotiate,
    parse_accept,
    query_form,
    service_description,
)
from .runner import DumpRequest, DumpTimeout, QueryRequest, RemoteRunner, Runner, execute, query_runner

__all__ = [
    "GRAPH_FORMATS", "QUERY_FORMS", "DumpRequest", "DumpTimeout", "RESULT_FORMATS", "SD", "UPDATE_FORMS", "Format", "Limits", "QueryBusy",
    "QueryCrashed", "QueryRefused", "QueryRequest", "RemoteRunner", "Runner", "WorkerPool", "check_reach",
    "check_read_only", "check_shape", "choose_format", "cores", "execute", "iri_ref", "formats_for", "negotiate",
    "nesting_depth", "parse_accept", "query_form", "query_runner", "service_description",
]
