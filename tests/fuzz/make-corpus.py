#!/usr/bin/env python3
"""Writes the hand-made seed corpus of fuzz-machine (tests/fuzz/corpus/*.bin).

Each input is a little program for fuzz-machine.c: byte 0 the configuration (bit 0 coherent,
bits 1-2 keyframe interval 16 << 2n, bit 3 32 MiB, bit 4 1 MiB), byte 1 the seed, then
operations. Run it from anywhere: python3 tests/fuzz/make-corpus.py
"""
import os
import random
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

DREQ_CHANS = [0, 2, 3, 5, 6, 7]


def cfg(coherent=True, kf=0, big=False, small=False, seed=1):
    return bytes([(1 if coherent else 0) | (kf & 3) << 1 | (8 if big else 0) | (16 if small else 0),
                  seed & 0xFF])


def out(port, value):
    if 0x300 <= port <= 0x30F:
        return bytes([0, port & 0xF, 1, value])
    return bytes([0, port, 0, value])


def inp(port):
    if 0x300 <= port <= 0x30F:
        return bytes([1, port & 0xF, 1])
    return bytes([1, port, 0])


def dreq(ch, on):
    return bytes([2, DREQ_CHANS.index(ch) | (0x80 if on else 0)])


def tick(n):
    return bytes([3]) + struct.pack("<H", n - 1)


def addr(a):
    return struct.pack("<HBB", a & 0xFFFF, (a >> 16) & 0xFF, (a >> 24) & 1)


def cpu_read(a):
    return bytes([4]) + addr(a)


def cpu_write(a, v):
    return bytes([5]) + addr(a) + bytes([v])


def flush(a, n, inv):
    return bytes([6]) + addr(a) + struct.pack("<HB", n, 1 if inv else 0)


def seek(e):  # to event e
    return bytes([7]) + struct.pack("<I", (e << 1) & 0xFFFFFFFF)


def seek_op(k):  # to the end of operation k - 1 (k % number of operations so far)
    return bytes([7]) + struct.pack("<I", (k << 1 | 1) & 0xFFFFFFFF)


def mem_write(a, v):
    return bytes([8]) + addr(a) + bytes([v])


def truncate(k):
    return bytes([9]) + struct.pack("<H", k)


def program(ch, mode, a, count, page):
    return bytes([10, ch, mode]) + struct.pack("<HH", a, count) + bytes([page])


def irq(n, level, connect=None):
    b = (n & 15) | (0x10 if level else 0)
    if connect is not None:
        b |= 0x40 | (0x20 if connect else 0)
    return bytes([11, b])


def irql(which):  # 0 raise DIRQL, 1 raise DISPATCH, 2 lower PASSIVE
    return bytes([12, which])


def dpc(i):
    return bytes([13, i & 0x7F])


def peer_send(n):  # the peer station sends a frame of n bytes (60..1514)
    return bytes([13, 0x80]) + struct.pack("<H", n - 60)


def rand():
    return bytes([14])


def dmareg(chip, reg, value):
    return bytes([15, reg, chip, value])


corpus = {}

corpus["00-reset-only"] = cfg()

corpus["01-ch2-single-write"] = (
    cfg(coherent=False, kf=0) + program(2, 0x44, 0x0000, 0x03FF, 0x02) + dreq(2, True)
    + tick(512) + cpu_read(0x20010) + tick(512) + seek(1000) + tick(512) + inp(0x08)
    + seek(0) + truncate(3) + tick(300) + inp(0x04) + inp(0x04) + inp(0x05) + inp(0x05))

corpus["02-nic-send"] = (
    cfg(kf=1) + b"".join(mem_write(0x10000 + i, i * 7 & 0xFF) for i in range(32))
    + program(1, 0x48, 0x0000, 31, 0x01) + out(0x304, 32) + out(0x305, 0) + out(0x302, 0x1F)
    + irq(5, False, True) + out(0x300, 0x05) + tick(400) + inp(0x301) + inp(0x303)
    + out(0x303, 0xFF) + inp(0x308) + tick(200))

corpus["03-ch5-block-wrap"] = (
    cfg(big=True, kf=2) + program(5, 0x84, 0xFFF0, 0x003F, 0x03) + dreq(5, True) + tick(100)
    + dreq(5, False) + inp(0xD0) + seek(50) + tick(10))

corpus["04-mem-to-mem"] = (
    cfg(kf=0) + b"".join(mem_write(0x5000 + i, 0xA0 + i) for i in range(16))
    + program(0, 0x88, 0x5000, 15, 0x00) + program(1, 0x84, 0x6000, 15, 0x00)
    + dmareg(0, 0x8, 0x01) + dmareg(0, 0x9, 0x04) + tick(64) + inp(0x0D) + inp(0x08))

corpus["05-cache"] = (
    cfg(coherent=False, kf=3) + cpu_write(0x2000, 0xBB) + mem_write(0x2000, 0xAA)
    + cpu_read(0x2000 + 64 * 16) + cpu_write(0x3010, 1) + cpu_write(0xFFF0, 2)
    + flush(0, 0xFFFF, False) + cpu_read(0x4000) + mem_write(0x4000, 0x77)
    + flush(0x4000, 16, True) + cpu_read(0x4000) + cpu_write(0x1FFFFFF, 3)
    + flush(0x1FFFFF0, 0x20, True) + seek(5) + truncate(4) + cpu_write(0x2000, 9))

corpus["06-irq-dpc"] = (
    cfg(kf=0) + irq(3, True) + tick(2) + irq(3, False, True) + irq(3, True) + tick(1)
    + irql(1) + b"".join(dpc(i) for i in range(10)) + dpc(0) + irql(2)
    + irql(0) + irq(7, True, True) + tick(3) + irql(2) + tick(1) + irq(7, False, False))

corpus["07-registers"] = (
    cfg(kf=1) + b"".join(out(p, 0x5A ^ p) for p in range(0x00, 0x10))
    + b"".join(inp(p) for p in range(0x00, 0x10)) + dmareg(1, 0xD, 0) + dmareg(0, 0xE, 0)
    + dmareg(0, 0xF, 0xFF) + dmareg(1, 0xA, 0x04) + inp(0xDE) + out(0x80, 0x42) + inp(0x80)
    + inp(0x8F) + out(0x8F, 0xFF) + out(0xF0, 1) + inp(0xFF) + out(0x30C, 1) + inp(0x30F))

corpus["08-demand-autoinit"] = (
    cfg(kf=0) + program(3, 0x1 << 4 | 0x04, 0x0100, 7, 0x04) + dreq(3, True) + tick(5)
    + dreq(3, False) + tick(3) + dreq(3, True) + tick(40) + dreq(3, False) + inp(0x08)
    + seek(0x7FFFFFFF) + seek_op(4) + truncate(5) + tick(20) + seek_op(0))

corpus["09-absent-memory"] = (
    cfg(small=True, kf=0) + program(2, 0x44, 0xFFF8, 15, 0x0F) + dreq(2, True) + tick(40)
    + cpu_write(0x100000, 1) + cpu_read(0x1FFFFFF) + mem_write(0x100000, 2)
    + mem_write(0xFFFFF, 3) + rand() + rand())

corpus["10-time-travel"] = (
    cfg(coherent=False, kf=0, seed=7) + program(2, 0x44, 0, 0x00FF, 0x02) + dreq(2, True)
    + b"".join(tick(37) + cpu_write(0x30000 + 16 * i, i) + seek(i * 97) + seek_op(i * 5) + rand()
               + (truncate(i) if i % 3 == 2 else b"") for i in range(12)))

# Keyframes must keep their own bytes. A transfer makes enough events (a cursor restores a
# keyframe only for targets more than 2048 events away); memory written before keyframes are
# taken, then again after; a cursor at the end of operation 3 must match the hash the live
# machine had there.
corpus["12-cow-keyframes"] = (
    cfg(kf=0) + program(2, 0x44, 0, 0xFFFF, 0x07) + dreq(2, True) + mem_write(0x5000, 1)
    + tick(512) + mem_write(0x5000, 2) + cpu_write(0x5001, 3) + tick(1) + seek_op(4)
    + truncate(4) + tick(2) + seek_op(8) + seek_op(4))

# A receive: channel 1 in single write mode (I/O -> memory), the NIC's receiver with DMA on,
# frames from the peer, the status FIFO read back.
corpus["13-nic-receive"] = (
    cfg(kf=1) + program(1, 0x44, 0x2000, 1513, 0x03) + irq(5, False, True) + out(0x302, 0x1F)
    + out(0x300, 0x0A) + peer_send(60) + tick(512) + tick(512) + inp(0x309) + inp(0x30A)
    + inp(0x306) + inp(0x307) + inp(0x303) + out(0x303, 0xFF) + peer_send(1514) + tick(400)
    + out(0x300, 0x80) + tick(20) + seek_op(3) + truncate(6) + tick(100))

rng = random.Random(8237)
corpus["11-random"] = bytes(rng.randrange(256) for _ in range(400))

os.makedirs(OUT, exist_ok=True)
for name, data in sorted(corpus.items()):
    assert len(data) < 1024, name
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(data)
    print(f"{name}.bin: {len(data)} bytes")
