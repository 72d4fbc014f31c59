#!/usr/bin/env python3
"""Start-up of a command until it prints its first line (or exits), median of N runs.

    startup.py [--before SHELL-COMMAND] N LABEL -- COMMAND...   (repeatable: LABEL -- COMMAND... ;; LABEL -- ...)

The process is stopped with SIGINT once the first line arrived. The commands take turns, run by
run. --before runs a shell command before every run, untimed (e.g. removing the compiled-module
cache to time first runs). Prints "LABEL median_ms=M min_ms=m".
"""
import os, signal, statistics, subprocess, sys, time


def once(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    line = p.stdout.readline()
    t = time.monotonic() - t0
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
    p.stdout.read()
    p.wait()
    if not line and p.returncode != 0:
        raise SystemExit(f"{cmd} printed nothing and exited {p.returncode}")
    return t * 1000


def main():
    argv = sys.argv[1:]
    before = None
    if argv[0] == "--before":
        before, argv = argv[1], argv[2:]
    n = int(argv[0])
    args = argv[1:]
    groups, cur = [], []
    for a in args:
        if a == ";;":
            groups.append(cur)
            cur = []
        else:
            cur.append(a)
    if cur:
        groups.append(cur)
    for g in groups:
        assert g[1] == "--", g
        once(g[2:])  # warm the page cache and any on-disk caches
    # round robin, so that a machine whose load drifts weighs on every command alike
    times = {i: [] for i in range(len(groups))}
    for _ in range(n):
        for i, g in enumerate(groups):
            if before:
                subprocess.run(before, shell=True, check=True)
            times[i].append(once(g[2:]))
    for i, g in enumerate(groups):
        print(f"{g[0]:<58} median_ms={statistics.median(times[i]):7.1f} min_ms={min(times[i]):7.1f}", flush=True)


if __name__ == "__main__":
    main()
