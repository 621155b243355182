#!/usr/bin/env python3
"""Fails when a function is over 80 lines or a source file over 600 lines.

Usage: ci/check_function_length.py [ROOT] [--max-function N] [--max-file N]

Checks every .cc and .h file under ROOT/{netns,daemon,harness,bench} (tests are not checked).
A function's length runs from the first line of its signature to its closing brace, inclusive.
Functions are found by brace matching with comments, string, character and raw string literals
blanked out: a `{` at namespace or class scope whose declaration has a parameter list and no
top-level `=` opens a function body (lambdas and local classes count toward their enclosing
function). Good enough for this code base's Google style, not a C++ parser.

Prints one line per offender, `file:line: name is N lines (max M)`, and exits 1 if any.
"""

import argparse
import pathlib
import re
import sys

DIRS = ("netns", "daemon", "harness", "bench")
SCOPE_KEYWORDS = re.compile(r"\b(namespace|class|struct|union)\b")
NOT_FUNCTION_KEYWORDS = re.compile(r"\benum\b")
IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def blank_literals(text):
    """Returns `text` with comments, literals and preprocessor lines replaced by spaces.

    Newlines are kept, so offsets map to the same line numbers.
    """
    out = list(text)
    i, n = 0, len(text)
    line_start = True

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if line_start and c not in " \t\n":
            line_start = False
            if c == "#":  # preprocessor line, with backslash continuations
                j = i
                while j < n and not (text[j] == "\n" and text[j - 1] != "\\"):
                    j += 1
                blank(i, j)
                i = j
                continue
        if c == "\n":
            line_start = True
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif c == '"':
            # Raw string: R"delim( ... )delim", optionally prefixed (u8R, LR, uR, UR).
            m = re.search(r"(?:u8|u|U|L)?R$", text[max(0, i - 3) : i])
            before = i - len(m.group(0)) - 1 if m else -1
            if m and (before < 0 or not re.match(r"[A-Za-z0-9_]", text[before])):
                open_paren = text.find("(", i)
                delim = text[i + 1 : open_paren]
                close = text.find(")" + delim + '"', open_paren)
                j = n if close < 0 else close + len(delim) + 2
            else:
                j = i + 1
                while j < n and text[j] != '"':
                    j += 2 if text[j] == "\\" else 1
                j += 1
            blank(i, j)
            i = j
        elif c == "'":
            # A digit separator (1'000) follows a digit inside a number token.
            k = i - 1
            while k >= 0 and re.match(r"[A-Za-z0-9_']", text[k]):
                k -= 1
            token = text[k + 1 : i]
            if token and token[0].isdigit():
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            j += 1
            blank(i, j)
            i = j
        else:
            i += 1
    return "".join(out)


def matching(code, i, open_c, close_c):
    """Index of the bracket closing the one at `i`."""
    depth = 0
    for j in range(i, len(code)):
        if code[j] == open_c:
            depth += 1
        elif code[j] == close_c:
            depth -= 1
            if depth == 0:
                return j
    return len(code) - 1


def top_level(header):
    """`header` with everything inside (), [] and <> of templates removed (parens kept)."""
    out, depth = [], 0
    for c in header:
        if c in "([":
            if depth == 0:
                out.append(c)
            depth += 1
        elif c in ")]":
            depth -= 1
            if depth == 0:
                out.append(c)
        elif depth == 0:
            out.append(c)
    return "".join(out)


def function_name(header):
    flat = " ".join(header.split())
    m = re.search(r"(operator\s*(?:\(\)|[^\s(]+))\s*\(", flat)
    if m:
        start = m.start(1)
    else:
        paren = top_level(flat).find("(")
        if paren < 0:
            return "?"
        # Position of the first top-level '(' in the original string.
        depth, pos = 0, -1
        for k, c in enumerate(flat):
            if c == "(" and depth == 0:
                pos = k
                break
            if c in "<[":
                depth += 1
            elif c in ">]":
                depth = max(0, depth - 1)
        start = pos
        while start > 0 and re.match(r"[A-Za-z0-9_:~>]", flat[start - 1]):
            if flat[start - 1] == ">":  # template arguments: HasType<int>(
                start = flat.rfind("<", 0, start - 1)
                if start < 0:
                    break
            else:
                start -= 1
        return flat[start:pos] or "?"
    return flat[start : flat.find("(", m.end(1))].strip()


def classify(header):
    """'scope', 'function' or 'other' for the declaration `header` that a '{' follows."""
    flat = top_level(" ".join(header.split()))
    if re.search(r"\bextern\s*$", flat) or SCOPE_KEYWORDS.search(flat) and "(" not in flat:
        return "scope"
    if NOT_FUNCTION_KEYWORDS.search(flat):
        return "other"
    if "(" not in flat:
        return "other"
    if re.search(r"(?<![=!<>+\-*/%&|^])=(?!=)", flat) and "operator" not in flat:
        return "other"  # an initializer (`auto f = [] {...}`, `T x = T(...){...}`)
    return "function"


def functions(code):
    """Yields (header start offset, body open offset, body close offset, name)."""
    stack = []  # kinds of the open braces
    boundary = 0  # where the current declaration began
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if c == ";":
            boundary = i + 1
        elif c == "}":
            if stack:
                stack.pop()
            boundary = i + 1
        elif c == "{":
            if any(kind != "scope" for kind in stack):
                stack.append("other")
                boundary = i + 1
            else:
                header = code[boundary:i]
                # A brace initializer in a constructor's init list (`: a_{x}, b_(y) {`).
                init_list = re.search(r"\)\s*(?:noexcept\s*)?:(?!:)", header)
                if init_list and re.search(r"[A-Za-z0-9_>]\s*$", header) and not re.search(
                    r"\b(const|override|final|noexcept|try)\s*$", header
                ):
                    i = matching(code, i, "{", "}") + 1
                    continue
                kind = classify(header)
                if kind == "function":
                    close = matching(code, i, "{", "}")
                    start = boundary + (len(header) - len(header.lstrip()))
                    yield start, i, close, function_name(header)
                    i = close + 1
                    boundary = i
                    continue
                stack.append(kind)
                boundary = i + 1
        elif c == ":" and stack and stack[-1] == "scope":
            # `public:` and friends end a declaration inside a class.
            if re.search(r"\b(public|private|protected)\s*$", code[boundary:i]):
                boundary = i + 1
        i += 1


def check(root, max_function, max_file):
    offenders = []
    files = sorted(
        p for d in DIRS for p in (root / d).rglob("*") if p.suffix in (".cc", ".h") and p.is_file()
    )
    for path in files:
        text = path.read_text(errors="replace")
        rel = path.relative_to(root)
        lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        if lines > max_file:
            offenders.append(f"{rel}:1: file is {lines} lines (max {max_file})")
        code = blank_literals(text)
        for start, _, close, name in functions(code):
            first = code.count("\n", 0, start) + 1
            last = code.count("\n", 0, close) + 1
            length = last - first + 1
            if length > max_function:
                offenders.append(f"{rel}:{first}: {name} is {length} lines (max {max_function})")
    return offenders


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=pathlib.Path(__file__).resolve().parent.parent)
    parser.add_argument("--max-function", type=int, default=80)
    parser.add_argument("--max-file", type=int, default=600)
    parser.add_argument("--list", action="store_true", help="print every function's length")
    args = parser.parse_args()
    root = pathlib.Path(args.root)
    if args.list:
        for d in DIRS:
            for path in sorted((root / d).rglob("*")):
                if path.suffix not in (".cc", ".h"):
                    continue
                code = blank_literals(path.read_text(errors="replace"))
                for start, _, close, name in functions(code):
                    first = code.count("\n", 0, start) + 1
                    last = code.count("\n", 0, close) + 1
                    print(f"{path.relative_to(root)}:{first}: {name} {last - first + 1}")
        return 0
    offenders = check(root, args.max_function, args.max_file)
    for line in offenders:
        print(line)
    if offenders:
        print(f"{len(offenders)} over the limits (functions {args.max_function} lines, "
              f"files {args.max_file} lines)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
