#!/usr/bin/env python3
"""Lists the C++ functions of the given files or folders with their length in lines, longest first.

A function's length runs from the line that starts its signature to the line of its closing
brace, both included (so `void f()\n{\n}` is 3 lines). Functions defined inside a class body
count; lambdas count as part of the function that holds them. Comments, strings and character
literals are skipped when braces are matched; the preprocessor lines are ignored.

    scripts/function_lengths.py src/app src/cli             # every function, longest first
    scripts/function_lengths.py --over 100 src/app src/cli  # only those over 100 lines
"""
import argparse
import os
import re
import sys

CONTROL = {"if", "for", "while", "switch", "catch", "return", "do", "else", "try", "sizeof", "decltype"}


def strip(text):
    """The text with comments, string and character literals and preprocessor lines blanked,
    newlines kept so that line numbers stay."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            # a preprocessor line (with continuations)
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            continue
        if c == "\n":
            at_line_start = True
            out.append(c)
            i += 1
            continue
        if not c.isspace():
            at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
            continue
        m = re.match(r'R"([^(\s]*)\(', text[i:i + 20])
        if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = ")" + m.group(1) + '"'
            j = text.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
            continue
        if c in "\"'":
            # a digit separator (1'000) is not a character literal
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum():
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + c)
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def function_name(header):
    """The name of the function whose signature is `header` (the text between the previous
    statement and its opening brace), or None when the brace opens something else."""
    h = " ".join(header.split())
    if not h or "(" not in h:
        return None
    if re.match(r"^(namespace|class|struct|union|enum)\b", h) or re.search(r"=\s*$", h):
        return None
    # The name is the identifier before the first '(' that is not inside template brackets.
    depth = 0
    for k, ch in enumerate(h):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth = max(0, depth - 1)
        elif ch == "(" and depth == 0:
            before = h[:k].rstrip()
            m = re.search(r"(operator\s*\S+|~?[A-Za-z_]\w*(?:\s*::\s*~?[A-Za-z_]\w*)*)$", before)
            if not m:
                return None
            name = re.sub(r"\s+", "", m.group(1))
            if name.split("::")[-1] in CONTROL or name.endswith("]"):
                return None
            return name
    return None


def functions(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = strip(f.read())
    results = []
    stack = []  # per open brace: ("scope"|"function"|"other", name, start line)
    header_start = 0
    in_function = lambda: any(kind == "function" for kind, _, _ in stack)
    for k, ch in enumerate(text):
        if ch == "{":
            if in_function():
                stack.append(("other", None, 0))
            else:
                header = text[header_start:k]
                name = function_name(header)
                if name:
                    # the signature starts at its first non-blank character
                    first = header_start + (len(header) - len(header.lstrip()))
                    stack.append(("function", name, text.count("\n", 0, first) + 1))
                else:
                    stack.append(("scope", None, 0))
            header_start = k + 1
        elif ch == "}":
            if stack:
                kind, name, start = stack.pop()
                if kind == "function":
                    results.append((name, start, text.count("\n", 0, k) + 1))
            header_start = k + 1
        elif ch == ";" and not in_function():
            header_start = k + 1
        elif ch == ":" and not in_function():
            # access specifiers (public:) end a header; '::' and constructor initialisers do not
            before = text[header_start:k].strip()
            if before in ("public", "private", "protected"):
                header_start = k + 1
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--over", type=int, default=0, help="list only functions longer than this many lines")
    args = ap.parse_args()
    rows = []
    for p in args.paths:
        files = []
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, n) for n in names if n.endswith((".cpp", ".h", ".hpp", ".cc"))]
        else:
            files.append(p)
        for path in sorted(files):
            for name, start, end in functions(path):
                rows.append((end - start + 1, path, start, name))
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    for length, path, start, name in rows:
        if length > args.over:
            print(f"{length:5d}  {path}:{start}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
