"""Static files: content-hashed names, cached for good, compressed once, module imports preloaded.

At start (`init_app`) every file under static/ is read once and given a name with a hash of its
content: `js/room.js` is served as `js/room.3f2a9c1b7d4e.js`. `url_for('static', filename=...)`
keeps working everywhere: a `url_defaults` hook turns the plain name into the hashed one. A
hashed name is served with `Cache-Control: public, max-age=31536000, immutable`, so a phone that
has it never asks again; a plain name still works, revalidated every time (`no-cache`).

ES module imports between static files (`import ... from "./live.js"`) and `url()` references in
CSS are rewritten to the hashed names before hashing, so a file's hash covers those of everything
it imports: change live.js and room.js gets a new name too (files that import each other in a
cycle share one hash). Only relative specifiers ("./", "../") are rewritten.

Compressible files are compressed once per process, with Brotli at its best and gzip as the
fallback, and served with their Content-Encoding, which Flask-Compress (pages, JSON) leaves alone.

`module_preloads(html)` gives a `<link rel="modulepreload">` for every module that the module
scripts in `html` import, directly or not, so the browser fetches the whole graph at once
instead of discovering it one import at a time; `prefetch_assets(template, *files)` lets a page
fetch the next page's files at low priority while the person is still reading or typing.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import mimetypes
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import brotli
from flask import Flask, current_app, url_for
from jinja2 import TemplateError
from markupsafe import Markup, escape
from werkzeug.wrappers import Request, Response

logger = logging.getLogger(__name__)

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
HASH_LENGTH = 12
# Served compressed when the browser accepts it (Brotli first); other types are sent as they are.
COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json"}
ENCODINGS = ("br", "gzip")

# The specifier after `from` or `import`: `import x from "./a.js"`, `export {x} from "../a.js"`,
# `import "./a.js"`, `import("./a.js")`.
_JS_IMPORT = re.compile(
    r"""(?P<head>\b(?:from|import)\s*\(?\s*)(?P<quote>["'])(?P<spec>\.\.?/[^"'\s]+)(?P=quote)"""
)
# `url(../img/a.svg)`, `url("a.svg#x")`, `@import "a.css"`.
_CSS_REFERENCE = re.compile(
    r"""(?P<head>\burl\(\s*|@import\s+)(?P<quote>["']?)(?P<spec>[^"')\s:]+?)(?P=quote)(?=[\s)"';])"""
)
_MODULE_SCRIPT = re.compile(r"""<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']""")


@dataclass(frozen=True)
class Asset:
    """One static file as served: its plain and hashed names, its (rewritten) body, its imports."""

    name: str
    hashed_name: str
    body: bytes
    mimetype: str
    digest: str  # of the body as served
    imports: tuple[str, ...] = ()  # plain names of the static files it references

    def encoded(self, encoding: str | None) -> bytes:
        """The body compressed with `encoding` ("br" or "gzip"; made once), or as it is for None."""
        if encoding is None:
            return self.body
        key = (self.digest, encoding)
        if key not in _COMPRESSED:
            if encoding == "br":
                _COMPRESSED[key] = brotli.compress(self.body, quality=11)
            else:
                _COMPRESSED[key] = gzip.compress(self.body, compresslevel=9, mtime=0)
        return _COMPRESSED[key]


# Compressed bodies by (digest, encoding), kept for the process, so an app made anew (the tests make
# one per test) does not compress the same file again.
_COMPRESSED: dict[tuple[str, str], bytes] = {}


# The last build of each folder, kept for the process: an app made anew (the tests make one per
# test) reads and hashes the files again only when one has changed.
_BUILT: dict[Path, tuple[str, dict[str, Asset]]] = {}


class StaticAssets:
    """Every file of a static folder, by plain name and by hashed name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        raw = _read(folder)
        self.signature = _signature(raw)
        built = _BUILT.get(folder)
        if built is None or built[0] != self.signature:
            built = _BUILT[folder] = (self.signature, _build(raw))
        self.by_name: dict[str, Asset] = built[1]
        self.by_hashed = {asset.hashed_name: asset for asset in self.by_name.values()}

    def changed(self) -> bool:
        """Whether a file of the folder has changed, or been added or removed, since."""
        return _signature(_read(self.folder)) != self.signature

    def hashed_name(self, name: str) -> str:
        asset = self.by_name.get(name)
        return asset.hashed_name if asset else name

    def imported_by(self, names: Iterable[str]) -> list[str]:
        """Every static file that `names` import, directly or not, in a stable order (not `names`)."""
        roots = [name for name in names if name in self.by_name]
        seen = set(roots)
        found: list[str] = []
        stack = list(reversed(roots))
        while stack:
            for imported in self.by_name[stack.pop()].imports:
                if imported not in seen:
                    seen.add(imported)
                    found.append(imported)
                    stack.append(imported)
        return found

    def name_of_url(self, url: str) -> str | None:
        """The plain name of a static file from its URL (hashed or not), if it is one."""
        prefix = (current_app.static_url_path or "/static").rstrip("/") + "/"
        path = url.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(prefix):
            return None
        name = path.removeprefix(prefix)
        asset = self.by_hashed.get(name) or self.by_name.get(name)
        return asset.name if asset else None


def _read(folder: Path) -> dict[str, bytes]:
    """Every file of the folder (but hidden ones), by its path inside it."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    }


def _signature(raw: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name, body in raw.items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(body).digest())
    return digest.hexdigest()


def _hashed(name: str, digest: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot or "/" in suffix:
        return f"{name}.{digest}"
    return f"{stem}.{digest}.{suffix}"


def _pattern(name: str) -> re.Pattern | None:
    if name.endswith(".js"):
        return _JS_IMPORT
    return _CSS_REFERENCE if name.endswith(".css") else None


def _target(name: str, spec: str) -> tuple[str, str]:
    """The plain name a reference in file `name` points to, and what follows its path (?x, #x)."""
    path = spec.split("?", 1)[0].split("#", 1)[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(name), path)), spec[len(path) :]


def _references(name: str, text: str, names: set[str]) -> set[str]:
    """The static files that a JS or CSS file references."""
    pattern = _pattern(name)
    if pattern is None:
        return set()
    return {
        target for match in pattern.finditer(text) if (target := _target(name, match["spec"])[0]) in names
    }


def _rewrite(name: str, text: str, hashed: dict[str, str]) -> str:
    """The file's text with each reference to a static file turned to its hashed name."""

    def replace(match: re.Match) -> str:
        target, rest = _target(name, match["spec"])
        if target not in hashed:
            return match[0]
        relative = posixpath.relpath(hashed[target], posixpath.dirname(name) or ".")
        if not relative.startswith("../"):
            relative = "./" + relative
        return f"{match['head']}{match['quote']}{relative}{rest}{match['quote']}"

    pattern = _pattern(name)
    return pattern.sub(replace, text) if pattern else text


def _build(raw: dict[str, bytes]) -> dict[str, Asset]:
    """Find what each file references, and hash them, what they reference first."""
    names = set(raw)
    # Read as UTF-8; surrogateescape gives back any other byte as it was.
    texts = {name: body.decode("utf-8", "surrogateescape") for name, body in raw.items() if _pattern(name)}
    edges = {name: sorted(_references(name, texts[name], names)) if name in texts else [] for name in raw}

    hashed: dict[str, str] = {}
    assets: dict[str, Asset] = {}
    for component in _components(edges):
        if len(component) > 1 or component[0] in edges[component[0]]:
            # Files that import each other share one hash: of their own contents and of the
            # hashed names of what they import from outside the cycle.
            seed = hashlib.sha256()
            for name in component:
                seed.update(name.encode() + b"\0" + raw[name] + b"\0")
                seed.update("\0".join(hashed.get(target, "") for target in edges[name]).encode())
            for name in component:
                hashed[name] = _hashed(name, seed.hexdigest()[:HASH_LENGTH])
        for name in component:
            body = raw[name]
            if edges[name]:
                body = _rewrite(name, texts[name], hashed).encode("utf-8", "surrogateescape")
            digest = hashlib.sha256(body).hexdigest()
            if name not in hashed:
                hashed[name] = _hashed(name, digest[:HASH_LENGTH])
            mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            assets[name] = Asset(name, hashed[name], body, mimetype, digest, tuple(edges[name]))
    return assets


def _components(edges: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan), each after every component it depends on."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so a long chain of imports cannot exhaust Python's recursion limit.
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges[target])))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(sorted(component))

    for name in sorted(edges):
        if name not in index:
            visit(name)
    return found


# --- the app ----------------------------------------------------------------------------------


def assets_of(app: Flask) -> StaticAssets:
    """The app's static files; in debug mode built again when a file has changed."""
    assets: StaticAssets = app.extensions["stepwise.assets"]
    if app.debug and assets.changed():
        assets = app.extensions["stepwise.assets"] = StaticAssets(assets.folder)
    return assets


def current_assets() -> StaticAssets:
    return assets_of(current_app)


class StaticFiles:
    """WSGI middleware that serves the static files ahead of Flask: a hashed name for good, a plain
    one revalidated every time, compressed once. No session, sign-in or rate-limit code runs for a
    file, so no `Vary: Cookie` (Flask-Login reads the session on every response) makes a browser
    fetch its cached copy again once a cookie changes, as it does when a participant joins. A name
    it does not know goes on to Flask's own static view."""

    def __init__(self, wsgi_app: Callable, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.prefix = (app.static_url_path or "/static").rstrip("/") + "/"

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or ""
        if path.startswith(self.prefix) and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            assets = assets_of(self.app)
            filename = path.removeprefix(self.prefix)
            asset = assets.by_hashed.get(filename)
            immutable = asset is not None
            asset = asset or assets.by_name.get(filename)
            if asset is not None:
                response = _file_response(asset, immutable, Request(environ))
                return response(environ, start_response)
        return self.wsgi_app(environ, start_response)


def _file_response(asset: Asset, immutable: bool, request: Request) -> Response:
    encoding = None
    if asset.mimetype in COMPRESSIBLE:
        encoding = request.accept_encodings.best_match(ENCODINGS)
        if encoding is not None and len(asset.encoded(encoding)) >= len(asset.body):
            encoding = None
    response = Response(asset.encoded(encoding), mimetype=asset.mimetype)
    if encoding is not None:
        response.headers["Content-Encoding"] = encoding
    if asset.mimetype in COMPRESSIBLE:
        response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = IMMUTABLE if immutable else REVALIDATE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(asset.digest[:32] + (f"-{encoding}" if encoding else ""))
    return response.make_conditional(request)


def module_preloads(html: str) -> Markup:
    """A modulepreload link for each module that the module scripts in `html` import (not for those
    scripts themselves, which the browser already sees)."""
    assets = current_assets()
    entries = [name for url in _MODULE_SCRIPT.findall(str(html)) if (name := assets.name_of_url(url))]
    links = (
        f'<link rel="modulepreload" href="{escape(url_for("static", filename=name))}">'
        for name in assets.imported_by(entries)
        if name.endswith(".js")
    )
    return Markup("\n  ".join(links))


def prefetch_assets(template: str, *files: str) -> Markup:
    """Prefetch links, at low priority, for what the page `template` will need: the module scripts
    of its `scripts` block, everything they import, and the static `files` named."""
    assets = current_assets()
    scripts_html = _scripts_block(template)
    entries = [name for url in _MODULE_SCRIPT.findall(scripts_html) if (name := assets.name_of_url(url))]
    wanted = [*entries, *assets.imported_by(entries), *files]
    links = (
        f'<link rel="prefetch" href="{escape(url_for("static", filename=name))}">'
        for name in dict.fromkeys(wanted)
        if name in assets.by_name
    )
    return Markup("\n  ".join(links))


def _scripts_block(template: str) -> str:
    """What the `scripts` block of a page template renders without the page's data; a block that
    needs it gets no prefetch (the page it is for still loads, only later), not an error."""
    jinja_template = current_app.jinja_env.get_template(template)
    block = jinja_template.blocks.get("scripts")
    if block is None:
        return ""
    try:
        return "".join(block(jinja_template.new_context({})))
    except TemplateError:
        logger.warning("The scripts block of %s needs page data: nothing prefetched for it.", template)
        return ""


def init_app(app: Flask) -> None:
    """Hash the static folder's files and serve them under those names. Call after
    socketio.init_app, which wraps app.wsgi_app too: a file is then answered before any of it."""
    assert app.static_folder is not None
    app.extensions["stepwise.assets"] = StaticAssets(Path(app.static_folder))
    # Flask's documented way to add middleware (see security.py).
    app.wsgi_app = StaticFiles(app.wsgi_app, app)  # type: ignore[method-assign]

    @app.url_defaults
    def hashed_static_names(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = current_assets().hashed_name(values["filename"])

    app.add_template_global(module_preloads)
    app.add_template_global(prefetch_assets)
