#!/usr/bin/env python3
"""Checks the manual pages in data/man against the programs they describe.

For each page: `mandoc -Tlint -W warning` prints nothing, `man -l` renders it, and every option the
program's own --help lists (each subcommand's, for sharedmemory-ctl) appears in the page, so a new
option without documentation fails here. Usage: check_man.py BIN_DIR
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAN = os.path.join(ROOT, "data", "man")
# GLib's and GTK's own options, which every GTK program has and the GTK manual describes.
GENERIC = {"--help", "--help-all", "--help-gapplication", "--help-gtk", "--display", "--version"}


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def long_options(help_text):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", help_text)) - GENERIC


def rendered(page):
    out = run("mandoc", "-Tutf8", page).stdout
    return re.sub(r".\x08", "", out).replace("\u2010", "-").replace("\u2011", "-")


def check_page(page, options):
    problems = []
    lint = run("mandoc", "-Tlint", "-W", "warning", page)
    if lint.stdout.strip() or lint.returncode not in (0,):
        problems.append(f"mandoc -Tlint: {lint.stdout.strip() or lint.stderr.strip()}")
    shown = run("man", "-l", page)
    if shown.returncode != 0 or "NAME" not in shown.stdout:
        problems.append(f"man -l failed: {shown.stderr.strip()}")
    text = rendered(page)
    for option in sorted(options):
        if not re.search(re.escape(option) + r"(?![a-z-])", text):
            problems.append(f"option {option} is not described")
    return problems


def main():
    bin_dir = sys.argv[1]
    pages = {}
    for app in ("sharedmemory", "sharedmemory_loader"):
        pages[app] = long_options(run(os.path.join(bin_dir, app), "--help").stdout)
    ctl = os.path.join(bin_dir, "sharedmemory-ctl")
    listing = run(ctl, "--help").stdout
    subcommands = re.findall(r"^  ([a-z][a-z-]+) ", listing.split("SUBCOMMANDS:")[1], re.M)
    options = set()
    for sub in subcommands:
        options |= long_options(run(ctl, sub, "--help").stdout)
    pages["sharedmemory-ctl"] = options
    failed = 0
    for program, opts in pages.items():
        page = os.path.join(MAN, program + ".1")
        problems = check_page(page, opts)
        if program == "sharedmemory-ctl":
            text = rendered(page)
            problems += [f"subcommand {s} is not described" for s in subcommands
                         if not re.search(rf"sharedmemory-ctl {re.escape(s)}\b", text)]
        if not opts:
            problems.append("no options found in --help (is the binary there?)")
        for p in problems:
            print(f"FAIL {program}.1: {p}")
        failed += bool(problems)
        if not problems:
            print(f"PASS {program}.1 ({len(opts)} options described, lint clean)")
    print(f"{len(pages) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
