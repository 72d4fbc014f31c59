#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes sample.pcap, portfilter's example input: a few seconds of made-up traffic to a host.

Fixed addresses, ports and timestamps, so the file is the same byte for byte on every run.
Usage: sample-pcap.py [OUT]   (default: sample.pcap next to this script)
"""
import os
import struct
import sys

HOST_MAC = bytes.fromhex("020000000001")
PEER_MAC = bytes.fromhex("020000000002")
HOST4, PEER4 = bytes([192, 168, 7, 1]), bytes([192, 168, 7, 2])
HOST6 = bytes.fromhex("fd000000000000000000000000000001")
PEER6 = bytes.fromhex("fd000000000000000000000000000002")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ethernet(ethertype, payload):
    frame = HOST_MAC + PEER_MAC + struct.pack("!H", ethertype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))  # minimum frame size, without FCS


def ipv4(proto, payload, ident):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0, PEER4, HOST4)
    return header[:10] + struct.pack("!H", checksum(header)) + header[12:] + payload


def ipv6(nexthdr, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nexthdr, 64, PEER6, HOST6) + payload


def udp(sport, dport, body):
    return struct.pack("!HHHH", sport, dport, 8 + len(body), 0) + body


def tcp(sport, dport, flags):
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, flags, 65535, 0, 0)


SYN, ACK = 0x02, 0x10
packets = [
    ethernet(0x0806, struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, PEER_MAC, PEER4, bytes(6), HOST4)),
    ethernet(0x0800, ipv4(17, udp(40000, 53, b"\x12\x34" + bytes(30)), 1)),
    ethernet(0x0800, ipv4(6, tcp(40001, 80, SYN), 2)),
    ethernet(0x0800, ipv4(6, tcp(40001, 80, ACK), 3)),
    ethernet(0x0800, ipv4(6, tcp(40001, 80, ACK), 4)),
    ethernet(0x0800, ipv4(1, struct.pack("!BBHHH", 8, 0, 0, 7, 1) + bytes(56), 5)),  # ICMP echo: not counted
    ethernet(0x0800, ipv4(17, udp(40002, 123, bytes(48)), 6)),
    ethernet(0x86DD, ipv6(6, tcp(40003, 443, SYN))),
    ethernet(0x86DD, ipv6(6, tcp(40003, 443, ACK))),
    ethernet(0x0800, ipv4(17, udp(40004, 53, b"\x56\x78" + bytes(40)), 7)),
    ethernet(0x86DD, ipv6(17, udp(40005, 53, bytes(20)))),
    ethernet(0x0800, ipv4(6, tcp(40006, 22, SYN), 8)),
]

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample.pcap")
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # pcap, microseconds, Ethernet
    for i, frame in enumerate(packets):
        f.write(struct.pack("<IIII", 1764028800 + i // 4, (i % 4) * 250000, len(frame), len(frame)))
        f.write(frame)
