"""The TCP sockets of given processes, read from /proc (Linux), so the simulated datacenter can show, and
its test assert, that nothing of it listens on or talks to an address outside 127.0.0.0/8."""

from __future__ import annotations

import ipaddress
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

LISTEN = "0A"  # include/net/tcp_states.h TCP_LISTEN


@dataclass(frozen=True)
class Sock:
    pid: int
    local: tuple[str, int]
    remote: tuple[str, int]
    listening: bool

    @property
    def loopback(self) -> bool:
        addresses = [self.local[0]] + ([] if self.listening else [self.remote[0]])
        return all(ipaddress.ip_address(a).is_loopback for a in addresses)


def _addr(hex_pair: str) -> tuple[str, int]:
    host, port = hex_pair.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        ip = socket.inet_ntop(socket.AF_INET, struct.pack("<I", int(host, 16)))
    else:  # /proc/net/tcp6: four little-endian 32-bit words
        ip = socket.inet_ntop(socket.AF_INET6, b"".join(struct.pack("<I", int(host[i:i + 8], 16))
                                                        for i in range(0, 32, 8)))
        mapped = ipaddress.IPv6Address(ip).ipv4_mapped
        ip = str(mapped) if mapped else ip
    return ip, int(port, 16)


def _inodes(pid: int) -> set[str]:
    found = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                found.add(target[8:-1])
    except OSError:
        pass
    return found


def of(pids: list[int]) -> list[Sock]:
    """Every TCP socket (v4 and v6) the processes `pids` hold."""
    owner = {inode: pid for pid in pids for inode in _inodes(pid)}
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            inode = fields[9]
            if inode in owner:
                out.append(Sock(owner[inode], _addr(fields[1]), _addr(fields[2]), fields[3] == LISTEN))
    return out


def children(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc/<pid>/task/*/children)."""
    seen, todo = [], [pid]
    while todo:
        current = todo.pop()
        if current in seen or not Path(f"/proc/{current}").exists():
            continue
        seen.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(c) for c in task.read_text().split())
            except OSError:
                pass
    return seen
