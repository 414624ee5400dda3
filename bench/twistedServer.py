"""The peer: Twisted Conch's recvline stack (telnet negotiation, line editing, history) with the
demo's visible behaviour (login prompt, welcome, prompt, echo), driven by the same load generator.

Run by bench/run.ts with Debian's python3-twisted; it answers the runner's IPC questions (stats, cpu)
on the channel Node opened for it (NODE_CHANNEL_FD, one JSON message a line), as the Node servers do.
"""
import gc
import json
import os
import resource
import signal
import socket
import sys
import threading

from twisted.conch import recvline
from twisted.conch.insults import insults
from twisted.conch.telnet import TelnetBootstrapProtocol, TelnetTransport
from twisted.internet import protocol, reactor
from twisted.logger import globalLogBeginner

PROMPT = b"TestServer> "


class DemoShell(recvline.HistoricRecvLine):
    """Login (any name, as the demo without a password), then commands; `echo` answers its words."""

    ps = (b"Username: ", b"... ")

    def connectionMade(self):
        self.username = None
        super().connectionMade()

    def lineReceived(self, line):
        if self.username is None:
            self.username = line
            # The name is not a command: it stays out of the history.
            if self.historyLines:
                self.historyLines.pop()
            self.historyPosition = len(self.historyLines)
            self.terminal.write(b"You have connected to the test server.\n")
            self.terminal.write(b"Hello " + line + b"!\n")
            self.ps = (PROMPT, b"... ")
        else:
            words = line.split()
            if words and words[0].lower() == b"echo":
                self.terminal.write(b" ".join(words[1:]) + b"\n")
            elif words:
                self.terminal.write(b"Unknown command '" + words[0].upper() + b"'\n")
        self.drawInputLine()


class IpcChannel:
    """Node's IPC channel (serialization 'json'): one JSON value per line, both ways."""

    def __init__(self, fd):
        self.sock = socket.socket(fileno=fd)
        self.lock = threading.Lock()

    def send(self, message):
        data = (json.dumps(message) + "\n").encode()
        with self.lock:
            self.sock.sendall(data)

    def messages(self):
        pending = b""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.strip():
                    yield json.loads(line)


def cpu_micros():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round((usage.ru_utime + usage.ru_stime) * 1_000_000)


def rss_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def answer(channel, message):
    if message == "stats":
        # As the Node servers: CPU read before the full collection that settles memory.
        cpu = cpu_micros()
        gc.collect()
        # No separate managed heap to report: -1 says "not measured".
        channel.send({"rss": rss_bytes(), "heapUsed": -1, "cpuMicros": cpu})
    elif message == "cpu":
        channel.send({"cpuOnly": cpu_micros()})


def main():
    # Silent, as the library's bench server (silentLogger): a client refusing LINEMODE is logged otherwise.
    globalLogBeginner.beginLoggingTo([lambda event: None], redirectStandardIO=False)
    channel = IpcChannel(int(os.environ["NODE_CHANNEL_FD"]))
    factory = protocol.ServerFactory()
    factory.protocol = lambda: TelnetTransport(TelnetBootstrapProtocol, insults.ServerProtocol, DemoShell)
    port = reactor.listenTCP(0, factory, backlog=1024, interface="127.0.0.1")

    def listen():
        for message in channel.messages():
            reactor.callFromThread(answer, channel, message)
        reactor.callFromThread(reactor.stop)

    threading.Thread(target=listen, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    channel.send({"port": port.getHost().port})
    reactor.run(installSignalHandlers=False)


if __name__ == "__main__":
    sys.exit(main())
