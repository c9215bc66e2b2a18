"""A TCP relay in front of the test PostgreSQL that can freeze (keep every connection open and
forward nothing: what a SIGSTOPped server looks like from the app) or stop (close every
connection and refuse new ones)."""

from __future__ import annotations

import contextlib
import select
import selectors
import socket
import threading


class PgProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.frozen = threading.Event()
        self.stopped = threading.Event()
        self._closing = threading.Event()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        sel = selectors.DefaultSelector()
        self.listener.setblocking(False)
        sel.register(self.listener, selectors.EVENT_READ)
        peers: dict[socket.socket, socket.socket] = {}
        held: list[socket.socket] = []  # accepted while frozen: the kernel's backlog
        while not self._closing.is_set():
            if self.frozen.is_set():
                ready, _, _ = select.select([self.listener], [], [], 0.05)
                if ready:
                    with contextlib.suppress(BlockingIOError):
                        held.append(self.listener.accept()[0])
                continue
            while held:
                self._pair(held.pop(), sel, peers)
            if self.stopped.is_set() and peers:
                for s in list(peers):
                    sel.unregister(s)
                    s.close()
                peers.clear()
            for key, _ in sel.select(timeout=0.05):
                sock = key.fileobj
                if sock is self.listener:
                    try:
                        client, _addr = self.listener.accept()
                    except BlockingIOError:
                        continue
                    self._pair(client, sel, peers)
                    continue
                if sock not in peers:
                    continue
                try:
                    data = sock.recv(65536)
                except (BlockingIOError, ConnectionError):
                    data = b""
                other = peers[sock]
                if not data:
                    for s in (sock, other):
                        sel.unregister(s)
                        s.close()
                        peers.pop(s, None)
                    continue
                other.setblocking(True)
                other.sendall(data)
                other.setblocking(False)
        for s in [*peers, *held]:
            s.close()
        self.listener.close()

    def _pair(self, client, sel, peers) -> None:
        if self.stopped.is_set():
            client.close()  # a refused connection, as from a stopped server
            return
        server = socket.create_connection(self.target)
        for s in (client, server):
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
        peers[client], peers[server] = server, client

    def close(self):
        self._closing.set()
        self._thread.join(timeout=5)
