"""Static files under content-hashed names, cached for good; pages never cached; compression;
module preloads and prefetches (facilitator/assets.py, Flask-Compress in create_app)."""

from __future__ import annotations

import gzip
import re
from urllib.parse import urljoin

import brotli
import pytest
from flask import Flask, url_for

from facilitator import assets
from facilitator.assets import IMMUTABLE, StaticAssets

HASHED = re.compile(r"^/static/(?P<name>.+)\.(?P<hash>[0-9a-f]{12})\.(?P<suffix>\w+)$")
IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.\.?/[^"']+)["']""")
MODULE_SCRIPT = re.compile(r'<script type="module" src="([^"]+)"')
MODULE_PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)"')
PREFETCH = re.compile(r'<link rel="prefetch" href="([^"]+)"')


def static_url(app, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


def body(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    data = response.get_data()
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    assert encoding is None, encoding
    return data


# --- names and caching ------------------------------------------------------------------------


def test_url_for_static_gives_the_content_hashed_name(app):
    url = static_url(app, "js/room.js")
    match = HASHED.match(url)
    assert match and match["name"] == "js/room" and match["suffix"] == "js"
    assert static_url(app, "css/app.css") != "/static/css/app.css"


def test_a_hashed_file_is_cached_for_good_and_a_plain_name_is_revalidated(client):
    url = static_url(client.application, "css/app.css")
    hashed = client.get(url)
    assert hashed.status_code == 200
    assert hashed.headers["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert hashed.headers["Content-Type"].startswith("text/css")
    # Nothing about the visitor: a new cookie (joining) does not make the browser fetch it again.
    assert "cookie" not in hashed.headers.get("Vary", "").lower()
    assert "Set-Cookie" not in hashed.headers
    assert hashed.headers["X-Content-Type-Options"] == "nosniff"

    again = client.get(url, headers={"If-None-Match": hashed.headers["ETag"]})
    assert again.status_code == 304

    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "no-cache"
    assert body(plain) == body(hashed)


def test_an_unknown_static_file_is_a_404(client):
    assert client.get("/static/js/nothing-here.js").status_code == 404
    assert client.get("/static/js/room.000000000000.js").status_code == 404


@pytest.mark.parametrize("path", ["/", "/login"])
def test_pages_are_never_cached(client, facilitator, path):
    response = client.get(path, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "immutable" not in response.headers["Cache-Control"]


# --- compression ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("gzip, deflate, br, zstd", "br"), ("gzip, deflate", "gzip"), ("br;q=0.5, gzip", "gzip"), ("", None)],
)
@pytest.mark.parametrize("filename", ["js/live.js", "css/app.css", "img/reactions.svg"])
def test_static_files_are_compressed_when_the_browser_accepts_it(client, filename, accept, expected):
    url = static_url(client.application, filename)
    response = client.get(url, headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == expected
    assert "Accept-Encoding" in response.headers["Vary"]
    assert body(response) == body(client.get(url))
    if expected:
        assert len(response.get_data()) < len(body(response))


@pytest.mark.parametrize(
    ("accept", "expected"), [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("", None)]
)
def test_pages_are_compressed_when_the_browser_accepts_it(client, facilitator, accept, expected):
    response = client.get("/login", headers={"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == expected
    assert b"<!doctype html>" in body(response)
    assert "Accept-Encoding" in response.headers["Vary"]


def test_json_is_compressed_when_the_browser_accepts_it(app, facilitator):
    app.add_url_rule("/test-json", "test_json", lambda: {"words": ["steady"] * 200})
    response = app.test_client().get("/test-json", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers.get("Content-Encoding") == "br"
    assert b'"steady"' in body(response)


def test_socket_io_traffic_is_left_to_socket_io(client):
    response = client.get("/socket.io/?EIO=4&transport=polling", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") != "br"
    assert response.headers["Cache-Control"] == "no-store"
    assert b'"sid"' in body(response)


# --- module imports -----------------------------------------------------------------------------


def test_module_imports_are_served_under_hashed_names(client):
    served = body(client.get(static_url(client.application, "js/room-wins.js"))).decode()
    specifiers = IMPORT.findall(served)
    assert "./" + static_url(client.application, "js/live.js").rsplit("/", 1)[1] in specifiers
    assert "./live.js" not in specifiers
    assert all(HASHED.match(urljoin("/static/js/room-wins.js", spec)) for spec in specifiers)


def served_module_graph(client, entries: list[str]) -> set[str]:
    """Every module URL that the entries import, found by fetching each as a browser would."""
    found: set[str] = set()
    todo = list(entries)
    while todo:
        url = todo.pop()
        response = client.get(url)
        assert response.status_code == 200, url
        for spec in IMPORT.findall(body(response).decode()):
            imported = urljoin(url, spec)
            if imported not in found:
                found.add(imported)
                todo.append(imported)
    return found - set(entries)


def test_the_room_preloads_every_module_its_scripts_import(app, live_session, join):
    phone = join(live_session, connect=False)
    page = phone.client.get(f"/j/{live_session.join_token}/room").get_data(as_text=True)
    entries = MODULE_SCRIPT.findall(page)
    assert static_url(app, "js/room.js") in entries
    preloads = MODULE_PRELOAD.findall(page)
    assert len(preloads) == len(set(preloads))
    graph = served_module_graph(phone.client, entries)
    assert static_url(app, "vendor/socket.io-4.8.4.esm.min.js") in graph
    assert set(preloads) == graph


def test_the_console_preloads_every_module_its_scripts_import(facilitator_client, live_session):
    page = facilitator_client.get(f"/sessions/{live_session.id}").get_data(as_text=True)
    entries = MODULE_SCRIPT.findall(page)
    assert entries
    assert set(MODULE_PRELOAD.findall(page)) == served_module_graph(facilitator_client, entries)


def test_the_join_page_prefetches_what_the_room_will_need(app, client, live_session, join):
    join_page = client.get(f"/j/{live_session.join_token}").get_data(as_text=True)
    prefetched = set(PREFETCH.findall(join_page))
    phone = join(live_session, connect=False)
    room = phone.client.get(f"/j/{live_session.join_token}/room").get_data(as_text=True)
    # What the join page loads itself (common.js, quick-exit.js) is cached already.
    loaded = set(MODULE_SCRIPT.findall(join_page))
    assert loaded >= {static_url(app, "js/common.js"), static_url(app, "js/quick-exit.js")}
    assert set(MODULE_SCRIPT.findall(room)) | set(MODULE_PRELOAD.findall(room)) <= prefetched | loaded


# --- hashing a folder ---------------------------------------------------------------------------


def write(folder, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content)
        else:
            path.write_bytes(content)


def test_a_change_reaches_the_name_of_every_file_that_imports_it(tmp_path):
    write(
        tmp_path,
        {
            "js/a.js": 'import { b } from "./b.js";\nexport const a = b;\n',
            "js/b.js": 'export { c as b } from "../lib/c.js";\n',
            "lib/c.js": "export const c = 1;\n",
            "js/other.js": "export const other = 1;\n",
        },
    )
    before = StaticAssets(tmp_path)
    b = before.hashed_name("js/b.js").removeprefix("js/")
    assert before.by_name["js/a.js"].body.decode().startswith(f'import {{ b }} from "./{b}";')
    assert f'from "../{before.hashed_name("lib/c.js")}"' in before.by_name["js/b.js"].body.decode()
    assert before.imported_by(["js/a.js"]) == ["js/b.js", "lib/c.js"]

    write(tmp_path, {"lib/c.js": "export const c = 2;\n"})
    after = StaticAssets(tmp_path)
    for name in ("js/a.js", "js/b.js", "lib/c.js"):
        assert after.hashed_name(name) != before.hashed_name(name), name
    assert after.hashed_name("js/other.js") == before.hashed_name("js/other.js")


def test_files_that_import_each_other_share_one_hash(tmp_path):
    write(
        tmp_path,
        {
            "x.js": 'import { y } from "./y.js";\nexport const x = () => y;\n',
            "y.js": 'import { x } from "./x.js";\nexport const y = () => x;\n',
            "z.js": 'import "./x.js";\n',
        },
    )
    first = StaticAssets(tmp_path)
    x, y = first.hashed_name("x.js"), first.hashed_name("y.js")
    assert x.split(".")[1] == y.split(".")[1]
    assert f'"./{y}"' in first.by_name["x.js"].body.decode()
    assert f'"./{x}"' in first.by_name["y.js"].body.decode()
    assert f'"./{x}"' in first.by_name["z.js"].body.decode()

    write(tmp_path, {"y.js": 'import { x } from "./x.js";\nexport const y = () => x();\n'})
    second = StaticAssets(tmp_path)
    assert second.hashed_name("x.js") != x
    assert second.hashed_name("z.js") != first.hashed_name("z.js")


def test_css_references_are_hashed_and_others_left_alone(tmp_path):
    write(
        tmp_path,
        {
            "css/app.css": (
                '@import "base.css";\n.a { background: url(../img/i.svg#dot) }\n'
                '.b { background: url("data:image/svg+xml;utf8,<svg/>") }\n'
                ".c { background: url(/elsewhere.png) }\n"
            ),
            "css/base.css": "body { margin: 0 }\n",
            "img/i.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        },
    )
    served = StaticAssets(tmp_path)
    css = served.by_name["css/app.css"].body.decode()
    assert f'@import "./{served.hashed_name("css/base.css").split("/")[-1]}";' in css
    assert f"url(../{served.hashed_name('img/i.svg')}#dot)" in css
    assert 'url("data:image/svg+xml;utf8,<svg/>")' in css
    assert "url(/elsewhere.png)" in css


def test_an_import_of_a_missing_file_and_other_bytes_are_left_as_they_are(tmp_path):
    write(tmp_path, {"a.js": b'import "./missing.js";\n// caf\xe9 in Latin-1\n', "favicon": b"\x00\x01"})
    served = StaticAssets(tmp_path)
    assert served.by_name["a.js"].body == b'import "./missing.js";\n// caf\xe9 in Latin-1\n'
    assert served.hashed_name("favicon").startswith("favicon.")


def test_in_debug_mode_a_changed_file_gets_its_new_name_at_once(tmp_path):
    write(tmp_path, {"js/a.js": "export const a = 1;\n"})
    app = Flask(__name__, static_folder=str(tmp_path))
    app.debug = True
    assets.init_app(app)
    before = static_url(app, "js/a.js")
    write(tmp_path, {"js/a.js": "export const a = 22;\n"})
    after = static_url(app, "js/a.js")
    assert before != after
    assert app.test_client().get(after).get_data() == b"export const a = 22;\n"
