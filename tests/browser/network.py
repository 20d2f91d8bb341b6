"""What a page costs on the network, read through the Chrome DevTools Protocol (CDP).

Shared by tests/browser/test_page_weight.py and benchmarks/slow_network.py. A `NetworkLog` on a
Playwright page records every response's transferred size (`Network.loadingFinished`
encodedDataLength: headers and body as they came over the wire, compressed; a redirect's from
its `redirectResponse`), the WebSocket's handshake and frames, and when things happened in the
browser's own clock; it can emulate a slow link (`Network.emulateNetworkConditions`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from playwright.sync_api import expect

# Emulated "slow 3G": 2 s round trip, 50 KB/s each way (CDP takes bytes per second).
SLOW_3G = {"latency": 2000, "downloadThroughput": 50 * 1024, "uploadThroughput": 50 * 1024}

# The frame that brings the room's first state (Socket.IO: `42/participant,["session_state",...`).
FIRST_STATE = '["session_state"'


@dataclass
class Response:
    url: str
    method: str
    resource: str  # CDP's resource type: "Document", "Script", "Stylesheet", "Other"...
    initiator: str  # what asked for it: "parser" (the page or a preload link), "script", "other"
    started: float  # CDP timestamp (seconds, the browser's monotonic clock)
    status: int = 0
    transferred: int = 0  # bytes over the wire, headers included
    from_cache: bool = False


@dataclass
class NetworkLog:
    """Everything one page received from now on (`reset()` starts again)."""

    page: object
    responses: list[Response] = field(default_factory=list)
    websocket_bytes: int = 0  # handshake response headers and frames received
    websocket_urls: list[str] = field(default_factory=list)
    first_state_at: float | None = None  # CDP timestamp of the frame with the room's first state
    dom_content_loaded_at: list[float] = field(default_factory=list)  # CDP timestamps

    def __post_init__(self) -> None:
        self._pending: dict[str, Response] = {}
        self.cdp = self.page.context.new_cdp_session(self.page)
        self.cdp.on("Network.requestWillBeSent", self._request)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.webSocketCreated", lambda event: self.websocket_urls.append(event["url"]))
        self.cdp.on("Network.webSocketHandshakeResponseReceived", self._handshake)
        self.cdp.on("Network.webSocketFrameReceived", self._frame)
        self.cdp.on(
            "Page.domContentEventFired", lambda event: self.dom_content_loaded_at.append(event["timestamp"])
        )
        self.cdp.send("Network.enable")
        self.cdp.send("Page.enable")

    def reset(self) -> None:
        self.responses.clear()
        self._pending.clear()
        self.websocket_bytes = 0
        self.websocket_urls.clear()
        self.first_state_at = None
        self.dom_content_loaded_at.clear()

    def emulate(self, conditions: dict) -> None:
        self.cdp.send("Network.emulateNetworkConditions", {"offline": False, **conditions})

    # --- CDP events -----------------------------------------------------------------------

    def _request(self, event: dict) -> None:
        # After a redirect the same request id goes on to its target: the redirect was received.
        redirect = event.get("redirectResponse")
        if redirect and (previous := self._pending.pop(event["requestId"], None)):
            previous.status = redirect["status"]
            previous.transferred = int(redirect.get("encodedDataLength", 0))
            self.responses.append(previous)
        self._pending[event["requestId"]] = Response(
            url=event["request"]["url"],
            method=event["request"]["method"],
            resource=event.get("type", "Other"),
            initiator=event.get("initiator", {}).get("type", "other"),
            started=event["timestamp"],
        )

    def _response(self, event: dict) -> None:
        if response := self._pending.get(event["requestId"]):
            response.status = event["response"]["status"]
            response.from_cache = bool(
                event["response"].get("fromDiskCache") or event["response"].get("fromPrefetchCache")
            )

    def _finished(self, event: dict) -> None:
        if response := self._pending.pop(event["requestId"], None):
            response.transferred = int(event["encodedDataLength"])
            self.responses.append(response)

    def _handshake(self, event: dict) -> None:
        headers = event["response"].get("headersText") or "".join(
            f"{name}: {value}\r\n" for name, value in event["response"]["headers"].items()
        )
        self.websocket_bytes += len(headers.encode())

    def _frame(self, event: dict) -> None:
        payload = event["response"]["payloadData"]
        size = len(payload.encode())
        self.websocket_bytes += size + (2 if size < 126 else 4)  # with the frame's own header
        if self.first_state_at is None and FIRST_STATE in payload:
            self.first_state_at = event["timestamp"]

    # --- figures --------------------------------------------------------------------------

    @property
    def http_bytes(self) -> int:
        return sum(response.transferred for response in self.responses)

    @property
    def total_bytes(self) -> int:
        return self.http_bytes + self.websocket_bytes

    def from_network(self) -> list[Response]:
        """The responses that came over the network (not from the browser's cache)."""
        return [
            response for response in self.responses if response.transferred > 0 and not response.from_cache
        ]

    def documents(self) -> list[Response]:
        return [response for response in self.responses if response.resource == "Document"]

    def report(self, title: str) -> str:
        lines = [
            f"{title}: {self.total_bytes / 1000:.1f} kB transferred, {len(self.from_network())} HTTP requests"
        ]
        for response in self.from_network():
            path = response.url.split("/", 3)[-1]
            lines.append(
                f"  {response.transferred:>7} B  {response.status}  {response.method:<4} "
                f"{response.initiator:<7} /{path}"
            )
        lines.append(f"  {self.websocket_bytes:>7} B  WebSocket, handshake and frames")
        return "\n".join(lines)


def wait_until_usable(page, log: NetworkLog, timeout_s: float = 60) -> None:
    """Wait until the room is connected and has its first state (the store draws it as it comes)."""
    expect(page.locator("#connection")).to_have_text("Connected", timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    while log.first_state_at is None:
        if time.monotonic() > deadline:
            raise TimeoutError("the room's first state never came")
        page.wait_for_timeout(20)


def open_join_page(page, join_url: str, timeout_s: float = 60) -> None:
    """Open the QR code's link and wait until the join form shows."""
    page.goto(join_url, wait_until="domcontentloaded", timeout=timeout_s * 1000)
    expect(page.get_by_role("button", name="Join the session")).to_be_visible(timeout=timeout_s * 1000)


def join(page, name: str) -> None:
    page.get_by_label("What should the group call you?").fill(name)
    page.get_by_role("button", name="Join the session").click()
