#!/usr/bin/env python3
"""Checks the dependency order of viplab's code (docs/architecture.md).

netns <- daemon <- harness, and inside harness/ the layers of harness/CMakeLists.txt:
every #include "netns/...", "daemon/..." or "harness/<layer>/..." in a source file, and every
viplab_* library a layer's CMakeLists.txt links, must be allowed for the folder it is in.
Exit 0 when all hold; 1 listing every violation as file:line. Usage: check_layers.py [ROOT]
`check_layers.py --pure-binaries BIN...` checks that test binaries of the pure layers need no
kernel library (libnl, libmnl, libnftables, libnftnl, libnetfilter_queue, libpcap, Boost).
`check_layers.py --self-test` proves the check can fail: a scratch tree with wrong includes and
a wrong link must give exactly those violations.
"""
import pathlib
import re
import subprocess
import sys
import tempfile

# What each folder may include / link, besides itself.
ALLOWED = {
    "netns": set(),
    "daemon": {"netns"},
    "harness/model": {"netns"},
    "harness/result": {"netns", "harness/model"},
    "harness/oracle": {"netns", "harness/model", "harness/result"},
    "harness/kconf": {"netns", "harness/model"},
    "harness/lint": {"netns", "harness/model", "harness/result", "harness/oracle", "harness/kconf"},
    "harness/lab": {"netns", "daemon", "harness/model"},
    "harness/faults": {"netns", "daemon", "harness/model", "harness/lab"},
    "harness/observe": {"netns", "daemon", "harness/model"},
    "harness/run": {"netns", "daemon", "harness/model", "harness/result", "harness/oracle",
                    "harness/lab", "harness/faults", "harness/observe"},
    "harness/report": {"netns", "harness/model", "harness/result"},
    "harness/cli": {"netns", "daemon", "harness/model", "harness/result", "harness/oracle",
                    "harness/lab", "harness/faults", "harness/observe", "harness/run",
                    "harness/report", "harness/kconf", "harness/lint"},
}
# The pure layers may use only netns/'s base (errors, clock, fds, IPv4), never the kernel plumbing.
NETNS_BASE = {"netns/error.h", "netns/clock.h", "netns/unique_fd.h", "netns/ipv4.h"}
PURE = {"harness/model", "harness/result", "harness/oracle", "harness/report", "harness/kconf",
        "harness/lint"}
LIBRARY = {"netns": "viplab_netns", "daemon": "viplab_daemon"}
LIBRARY.update({f"harness/{layer}": f"viplab_{layer}" for layer in
                ("model", "result", "oracle", "kconf", "lint", "lab", "faults", "observe", "run",
                "report")})
INCLUDE = re.compile(r'^\s*#\s*include\s+"((netns|daemon|harness/[a-z_]+)/[^"]+)"')


def folder_of(path: str):
    for folder in sorted(ALLOWED, key=len, reverse=True):
        if path == folder or path.startswith(folder + "/"):
            return folder
    return None


def check_includes(root: pathlib.Path, problems: list):
    for top in ("netns", "daemon", "harness"):
        for f in sorted((root / top).rglob("*")):
            if f.suffix not in (".h", ".cc"):
                continue
            rel = f.relative_to(root).as_posix()
            folder = folder_of(rel)
            if folder is None:
                problems.append(f"{rel}: not in any layer folder of harness/ (see {__file__})")
                continue
            for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = folder_of(m.group(1)) or m.group(2)
                if target != folder and target not in ALLOWED[folder]:
                    problems.append(f"{rel}:{n}: {folder} must not include {m.group(1)}")
                elif folder in PURE and target == "netns" and m.group(1) not in NETNS_BASE:
                    problems.append(f"{rel}:{n}: {folder} is pure; {m.group(1)} is not in "
                                    "netns/'s base")


def check_cmake(root: pathlib.Path, problems: list):
    by_library = {lib: folder for folder, lib in LIBRARY.items()}
    for folder, lib in LIBRARY.items():
        cmake = root / folder / "CMakeLists.txt"
        if not cmake.exists():
            problems.append(f"{folder}/CMakeLists.txt: missing (library {lib})")
            continue
        text = cmake.read_text()
        for m in re.finditer(r"target_link_libraries\(\s*" + lib + r"\b([^)]*)\)", text):
            for dep in re.findall(r"\bviplab_[a-z_]+\b", m.group(1)):
                if dep == "viplab_netns_base":
                    continue
                dep_folder = by_library.get(dep)
                if dep_folder is None or (dep_folder != folder
                                          and dep_folder not in ALLOWED[folder]):
                    problems.append(f"{folder}/CMakeLists.txt: {lib} must not link {dep}")
                elif folder in PURE and dep == "viplab_netns":
                    problems.append(f"{folder}/CMakeLists.txt: {lib} is pure; link "
                                    "viplab_netns_base, not viplab_netns")


def self_test() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        files = {
            "harness/model/a.h": '#include "harness/run/runner.h"\n#include "netns/clock.h"\n',
            "harness/report/b.cc": '#include "harness/result/x.h"\n#include "netns/link.h"\n',
            "harness/oracle/c.cc": '#include "harness/lab/lab.h"\n',
            "daemon/d.cc": '#include "harness/model/scenario.h"\n',
            "harness/run/e.cc": '#include "harness/report/report.h"\n',
        }
        for folder, lib in LIBRARY.items():
            links = "viplab_run" if folder == "harness/model" else "viplab_netns_base"
            files[f"{folder}/CMakeLists.txt"] = f"target_link_libraries({lib} PUBLIC {links})\n"
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        problems: list = []
        check_includes(root, problems)
        check_cmake(root, problems)
    expected = [
        "daemon/d.cc:1: daemon must not include harness/model/scenario.h",
        "harness/model/a.h:1: harness/model must not include harness/run/runner.h",
        "harness/oracle/c.cc:1: harness/oracle must not include harness/lab/lab.h",
        "harness/report/b.cc:2: harness/report is pure; netns/link.h is not in netns/'s base",
        "harness/run/e.cc:1: harness/run must not include harness/report/report.h",
        "harness/model/CMakeLists.txt: viplab_model must not link viplab_run",
    ]
    if problems != expected:
        print("self-test failed; got:\n  " + "\n  ".join(problems))
        return 1
    print(f"self-test ok: {len(expected)} planted violations found, nothing else")
    return 0


KERNEL_LIBRARIES = re.compile(r"lib(nl-|mnl|nftables|nftnl|netfilter_queue|pcap|boost_)")


def check_pure_binaries(binaries) -> int:
    problems = []
    for binary in binaries:
        dynamic = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True,
                                 check=True).stdout
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
        if not needed:
            problems.append(f"{binary}: no NEEDED entries: not a dynamic executable?")
        problems += [f"{binary}: needs {lib}" for lib in needed if KERNEL_LIBRARIES.match(lib)]
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"{len(binaries)} test binaries of the pure layers need no kernel library")
    return 0


def main() -> int:
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if sys.argv[1:2] == ["--pure-binaries"]:
        return check_pure_binaries(sys.argv[2:])
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    problems: list = []
    check_includes(root, problems)
    check_cmake(root, problems)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} layering violation(s); the order is in harness/CMakeLists.txt")
        return 1
    print("layers ok: every include and library link points downwards")
    return 0


if __name__ == "__main__":
    sys.exit(main())
