#!/usr/bin/env python3
"""Fails when a user-visible string literal bypasses gettext.

Scans the Swift sources of the programs (not the benchmark) for string literals that read like words
for people (two words or more, or a button label with a mnemonic such as "_Load") and are not the message of a `tr(...)` / `trn(...)` call. A literal that
is not for people (a trace line, a GLib signal name, a protocol constant) carries `// notr` at the end
of its line, which says so to the reader too. Usage: check_strings.py [ROOT]
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKIP = ("Sources/Bench/", "Sources/Localization/", "Sources/CIntl/", "Sources/CGLib/", "Sources/CGtk/", "Sources/CSysV/")
WORDS = re.compile(r"[A-Za-z]{2,}[,:;.]? +[A-Za-z{(\\]")
# A one-word button label with a mnemonic ("_Load", "_Cancel"): words too, however short (issue 23).
MNEMONIC = re.compile(r'^"_[A-Z][a-z]')


def literals(text):
    """Yields (line, start offset, literal text) of each string literal, skipping comments."""
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        if text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i)
            line += text.count("\n", i, end)
            i = n if end < 0 else end + 2
            continue
        if c == '"':
            start, start_line = i, line
            multi = text.startswith('"""', i)
            i += 3 if multi else 1
            depth = 0
            while i < n:
                if text[i] == "\\":
                    if text.startswith("\\(", i):
                        depth += 1
                        i += 2
                        continue
                    i += 2
                    continue
                if depth and text[i] == "(":
                    depth += 1
                elif depth and text[i] == ")":
                    depth -= 1
                elif text[i] == "\n":
                    line += 1
                elif not depth and (text.startswith('"""', i) if multi else text[i] == '"'):
                    i += 3 if multi else 1
                    break
                i += 1
            yield start_line, start, text[start:i]
            continue
        i += 1


def main():
    problems = []
    for folder, _, files in os.walk(os.path.join(ROOT, "Sources")):
        for name in sorted(files):
            if not name.endswith(".swift"):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, ROOT)
            if rel.startswith(SKIP):
                continue
            text = open(path, encoding="utf-8").read()
            lines = text.split("\n")
            singular_end = -1  # where the last `trn(` singular literal ended
            for line, start, literal in literals(text):
                before = text[max(0, start - 6):start]
                # trn's plural: the literal right after its singular (which may hold parentheses).
                is_plural = singular_end >= 0 and re.fullmatch(r"\s*,\s*", text[singular_end:start]) is not None
                singular_end = start + len(literal) if re.search(r"\btrn\($", before) else -1
                if not WORDS.search(literal) and not MNEMONIC.match(literal):
                    continue
                if re.search(r"\btrn?\($", before) or is_plural:
                    continue
                if "// notr" in lines[line - 1] or "// notr" in lines[min(line, len(lines) - 1)] and literal.startswith('"""'):
                    continue
                problems.append(f"{rel}:{line}: {literal[:90]}")
    for p in problems:
        print(f"untranslated: {p}")
    print(f"{len(problems)} user-visible literal(s) bypass gettext" if problems else "every user-visible literal goes through tr()/trn()")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
