"""The cheaper pieces of the HTTP layer give what Litestar's generic ones gave: the pre-encoded JSON answer
(``JsonAnswer``) the same bytes and headers as a ``Response``, the key read from the raw ASGI headers the
same key as ``Headers``, ``read_body`` the same body and limits as ``Request.body``, the audit note the same
path as ``request.url``; the request id header is never doubled; the emission routes' own body parsing hands
every body it does not take to the framework's, whose answers stay the same."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from litestar import Litestar, MediaType, Request, Response, get
from litestar.connection import ASGIConnection
from litestar.datastructures import Headers
from litestar.exceptions import ClientException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.testing import TestClient

from adapters.db.apikeys import Principal, Role
from api.routes.common import JsonAnswer, audit_note, read_body
from api.security import _presented_key
from tests.integration.api.conftest import Api

CONTENT: dict[str, Any] = {"id": "abc", "number": 1, "contingency": False, "protocol": None,
                           "xmotivo": "Autorizado o uso", "links": {"self": "/v1/documents/ção"},
                           "items": [1, 2.5, "três"]}


@get("/as-response", sync_to_thread=False)
def as_response() -> Response[dict[str, Any]]:
    return Response(CONTENT, status_code=201, media_type=MediaType.JSON)


@get("/as-answer", sync_to_thread=False)
def as_answer() -> Response[dict[str, Any]]:
    return JsonAnswer(CONTENT, 201)  # type: ignore[return-value]


@get("/as-answer-with-header", sync_to_thread=False, response_headers={"cache-control": "no-store"})
def as_answer_with_header() -> Response[dict[str, Any]]:
    return JsonAnswer(CONTENT, 201)  # type: ignore[return-value]


@get("/as-response-with-header", sync_to_thread=False, response_headers={"cache-control": "no-store"})
def as_response_with_header() -> Response[dict[str, Any]]:
    return Response(CONTENT, status_code=201, media_type=MediaType.JSON)


def test_json_answer_sends_what_a_litestar_response_sends() -> None:
    app = Litestar([as_response, as_answer, as_answer_with_header, as_response_with_header])
    with TestClient(app=app) as client:
        for plain, answer in (("/as-response", "/as-answer"), ("/as-response-with-header", "/as-answer-with-header")):
            expected, got = client.get(plain), client.get(answer)
            assert got.status_code == expected.status_code == 201
            assert got.headers.raw == expected.headers.raw  # names, values and order
            assert got.content == expected.content and json.loads(got.content) == CONTENT
        assert client.get("/as-answer-with-header").headers["cache-control"] == "no-store"


def _old_presented_key(headers: Headers) -> str | None:
    """The key as it was read through Litestar's ``Headers`` (the oracle)."""
    auth = headers.get("authorization")
    if auth:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        return None
    key = headers.get("x-api-key")
    return key.strip() if key else None


@pytest.mark.parametrize("raw", [
    [],
    [(b"authorization", b"Bearer ofk_abc")],
    [(b"authorization", b"bearer   ofk_abc  ")],
    [(b"authorization", b"Basic abc")],
    [(b"authorization", b"Bearer ")],
    [(b"authorization", b"")],
    [(b"authorization", b""), (b"x-api-key", b" ofk_k ")],
    [(b"x-api-key", b"ofk_k"), (b"authorization", b"Bearer ofk_a")],
    [(b"authorization", b"Bearer ofk_1"), (b"authorization", b"Bearer ofk_2")],
    [(b"x-api-key", b"ofk_1"), (b"x-api-key", b"ofk_2")],
    [(b"Authorization", b"Bearer ofk_upper"), (b"X-Api-Key", b"ofk_x")],
    [(b"x-api-key", b"  ")],
    [(b"authorization", "Bearer ofk_\xe7".encode("latin-1"))],
])
def test_the_key_read_from_the_raw_headers_is_the_key_headers_give(raw: list[tuple[bytes, bytes]]) -> None:
    connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection({"type": "http", "headers": raw, "state": {}})
    assert _presented_key(connection) == _old_presented_key(Headers(raw))


class _Handler:
    def __init__(self, limit: int | None) -> None:
        self.limit = limit

    def resolve_request_max_body_size(self) -> int | None:
        return self.limit

    def resolve_type_decoders(self) -> list[Any]:
        return []


def _request(chunks: list[bytes], headers: list[tuple[bytes, bytes]], limit: int | None) -> Request[Any, Any, Any]:
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers, "state": {},
             "route_handler": _Handler(limit)}
    return Request(scope, receive)  # type: ignore[arg-type]


def _outcome(coro: Any) -> Any:
    try:
        return asyncio.run(coro)
    except Exception as exc:  # the same exception type and message is what is compared
        return (type(exc), str(exc))


@pytest.mark.parametrize(("chunks", "headers", "limit"), [
    ([b'{"ref": "a"}'], [(b"content-length", b"12")], 100),
    ([b'{"ref": ', b'"a"}', b""], [], 100),
    ([b""], [], 100),
    ([b"x" * 50], [(b"content-length", b"500")], 100),  # announced too much: refused before reading
    ([b"x" * 60, b"y" * 60], [], 100),  # streamed too much
    ([b"x" * 60, b"y" * 60], [], None),  # no limit
    ([b"abc"], [(b"content-length", b"3x")], 100),
    ([b"abc"], [(b"content-length", b"3"), (b"content-length", b"999")], 100),  # the first one counts
])
def test_read_body_gives_what_request_body_gives(chunks: list[bytes], headers: list[tuple[bytes, bytes]],
                                                 limit: int | None) -> None:
    expected = _outcome(_request(chunks, headers, limit).body())
    got = _outcome(read_body(_request(chunks, headers, limit)))
    assert got == expected
    if isinstance(got, tuple):
        assert got[0] in (RequestEntityTooLarge, ClientException)


def test_read_body_leaves_the_body_where_the_framework_reads_it() -> None:
    request = _request([b'{"ref": ', b'"a"}'], [], 100)

    async def both() -> tuple[bytes, bytes, Any]:
        return await read_body(request), await request.body(), await request.json()

    assert asyncio.run(both()) == (b'{"ref": "a"}', b'{"ref": "a"}', {"ref": "a"})


@pytest.mark.parametrize("root_path", ["", "/fiscal"])
def test_audit_note_has_the_path_of_the_request_url(root_path: str) -> None:
    scope = {"type": "http", "method": "POST", "path": "/v1/nfce", "root_path": root_path, "query_string": b"a=1",
             "headers": [(b"host", b"api.example")], "server": ("127.0.0.1", 8000), "scheme": "http", "state": {}}
    request: Request[Any, Any, Any] = Request(scope)  # type: ignore[arg-type]
    note = audit_note(request, Principal("k1", "t1", Role.PDV), "document.emit")
    assert note.actor == "apikey:k1" and note.action == "document.emit"
    assert note.details == {"role": "pdv", "method": "POST", "path": request.url.path}
    assert note.details["path"] == root_path + "/v1/nfce"


def test_request_id_header_is_single_and_minted_as_32_hex_digits(api: Api) -> None:
    for response in (api.client.get("/v1/documents/x"),  # a problem answer names the id itself
                     api.client.get("/v1/me", headers=api.h("t1", "admin")),
                     api.client.get("/v1/me", headers={**api.h("t1", "admin"), "X-Request-ID": "pdv-1"})):
        ids = [v for k, v in response.headers.raw if k.lower() == b"x-request-id"]
        assert len(ids) == 1, response.headers.raw
    minted = api.client.get("/v1/me", headers=api.h("t1", "admin")).headers["x-request-id"]
    assert len(minted) == 32 and int(minted, 16) >= 0 and minted == minted.lower()
    problem = api.client.get("/v1/documents/x")
    assert problem.status_code == 401 and problem.json()["request_id"] == problem.headers["x-request-id"]


def test_emission_bodies_the_fast_path_does_not_take_get_the_framework_answers(api: Api) -> None:
    h = {**api.h("t1", "pdv"), "Content-Type": "application/json"}
    # 1e999 does not fit the route's own decoder (out of range): the framework's parsing answers, as it always did.
    r = api.client.post("/v1/nfce", content=b'{"ref": 1e999}', headers=h)
    assert (r.status_code, r.json()["code"]) == (400, "REQUISICAO_INVALIDA")
    for body, status, code in ((b"[1, 2]", 400, "TIPO_INVALIDO"), (b"null", 400, None), (b'{"ref": ', 400, None)):
        r = api.client.post("/v1/nfe", content=body, headers=h)
        assert r.status_code == status and r.headers["content-type"].startswith("application/problem+json"), r.text
        assert code is None or r.json()["code"] == code, r.text
    # no emitter in this tenant: a valid ref reaches the service, which names the missing emitter
    r = api.client.post("/v1/nfce", content=b'{"ref": "caixa-1"}', headers=h)
    assert (r.status_code, r.json()["code"]) == (422, "EMITENTE_OBRIGATORIO")
    assert api.client.post("/v1/nfce", content=b"x" * (300 * 1024), headers=h).json()["code"] == "CORPO_GRANDE_DEMAIS"


def test_every_document_route_still_refuses_a_caller_without_a_key_or_without_the_role(api: Api) -> None:
    """The guards became before_request hooks: each route still answers 401 without a key and 403 for a role
    without its permission, before looking at parameters or body."""
    from api.routes import documents

    seen = 0
    for route in documents.router.routes:
        url = route.path.replace("{key:str}", "x").replace("{event_id:int}", "1").replace("{inut_id:str}", "x")
        for method in route.methods - {"OPTIONS", "HEAD"}:
            seen += 1
            anonymous = api.client.request(method, url, content=b"{not json")
            assert (anonymous.status_code, anonymous.json()["code"]) == (401, "NAO_AUTENTICADO"), (method, url)
            # the clinic system's role (POST /v1/events only) holds none of the document permissions
            other = api.client.request(method, url, content=b"{not json", headers=api.h("t1", "integration"))
            assert (other.status_code, other.json()["code"]) == (403, "ACESSO_NEGADO"), (method, url, other.text)
    assert seen >= 18
