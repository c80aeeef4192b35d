#!/usr/bin/python3
"""Writes cvmprep(1) from docs/cvmprep.1.in and the binary's own catalogue, or checks a page.

    docs/man.py CVMPREP TEMPLATE OUTPUT
    docs/man.py --check CVMPREP PAGE

@VERSION@ becomes 'CVMPREP --version' and @CHECKS@ one entry per check id of
'CVMPREP list --format json', in report order, so the page's check ids cannot drift
from the binary's. OUTPUT is written whole or not at all.

--check prints one line for each difference between PAGE and the binary, and exits 1 if
there is any: a command of 'CVMPREP --help' without its .SS section under COMMANDS (or a
section for a command the binary lacks); an option of 'CVMPREP COMMAND --help' not at the
head of a .TP item in that section (-h and --help: in OPTIONS), or an item for an option
the binary lacks; an exit status of 'CVMPREP --help' not in EXIT STATUS, or one too many;
a check id of 'CVMPREP list' not in CHECKS, or one too many.
"""
import json
import os
import re
import subprocess
import sys


def roff(text):
    """Text safe in a roff line: backslashes escaped, no leading control character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def runner(binary):
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
    return lambda *args: subprocess.run([binary, *args], check=True, env=env,
                                        capture_output=True, text=True).stdout


OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z0-9-]*)")


def binary_interface(run):
    """The commands, each with its options, the global options and the exit codes."""
    top = run("--help")
    commands = re.findall(r"^  ([a-z]+) ", top.split("Commands:", 1)[1].split("\n\n")[1], re.M)
    options = {}
    for cmd in commands:
        lines = [l for l in run(cmd, "--help").splitlines()
                 if l.startswith("usage:") or re.match(r"  -", l)]
        options[cmd] = set(OPTION.findall("\n".join(lines).replace("usage: cvmprep", "")))
    status = top.split("exit status:", 1)[1]
    codes = set(re.findall(r"(?<![\w-])(\d+) [a-z]", status))
    globals_ = set(OPTION.findall(top.split("\n\n")[0]))
    ids = [c["id"] for c in json.loads(run("list", "--format", "json"))["checks"]]
    return commands, options, globals_, codes, ids


def page_sections(page):
    """{".SH name": [lines]} and {command: [lines]} of the .SS sections under COMMANDS."""
    sh, ss, cur_sh, cur_ss = {}, {}, None, None
    for line in page.splitlines():
        if line.startswith(".SH "):
            cur_sh, cur_ss = line[4:].strip('"'), None
            sh[cur_sh] = []
        elif line.startswith(".SS ") and cur_sh == "COMMANDS":
            cur_ss = line[4:].strip('"')
            ss[cur_ss] = []
        elif cur_ss is not None:
            ss[cur_ss].append(line)
        elif cur_sh is not None:
            sh[cur_sh].append(line)
    return sh, ss


def item_heads(lines):
    """The options at the heads of the .TP/.TQ items of a section."""
    found = set()
    for prev, line in zip([""] + lines, lines):
        if prev in (".TP", ".TQ") and line.startswith(".B"):
            found |= set(OPTION.findall(line.replace("\\-", "-")))
    return found


def check(binary, path):
    commands, options, globals_, codes, ids = binary_interface(runner(binary))
    with open(path, encoding="utf-8") as f:
        sh, ss = page_sections(f.read())
    problems = []
    for cmd in commands:
        if cmd not in ss:
            problems.append(f"command '{cmd}' has no '.SS {cmd}' under COMMANDS")
    for cmd in ss:
        if cmd not in commands:
            problems.append(f"'.SS {cmd}': the binary has no command '{cmd}'")
    general = item_heads(sh.get("OPTIONS", []))
    for cmd in commands:
        documented = item_heads(ss.get(cmd, []))
        for opt in sorted(options[cmd] - documented - (general & {"-h", "--help"})):
            problems.append(f"'cvmprep {cmd} {opt}' is not documented in '.SS {cmd}'")
        for opt in sorted(documented - options[cmd]):
            problems.append(f"'.SS {cmd}' documents {opt}: 'cvmprep {cmd} --help' has no such option")
    for opt in sorted(globals_ - general):
        problems.append(f"'cvmprep {opt}' is not documented in OPTIONS")
    page_codes = {l.split()[1] for p, l in zip([""] + sh.get("EXIT STATUS", []), sh.get("EXIT STATUS", []))
                  if p == ".TP" and l.startswith(".B ")}
    for code in sorted(codes ^ page_codes, key=int):
        where = "EXIT STATUS lacks" if code in codes else "'cvmprep --help' does not name"
        problems.append(f"{where} exit status {code}")
    lines = sh.get("CHECKS", [])
    page_ids = [l[3:].replace("\\-", "-") for p, l in zip([""] + lines, lines)
                if p == ".TP" and l.startswith(".B ")]
    for cid in ids:
        if cid not in page_ids:
            problems.append(f"check id '{cid}' is not in CHECKS")
    for cid in page_ids:
        if cid not in ids:
            problems.append(f"CHECKS names '{cid}': 'cvmprep list' does not")
    for p in problems:
        print(p)
    return 1 if problems else 0


def main():
    if sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    binary, template, output = sys.argv[1:4]
    run = runner(binary)
    version = run("--version").split()[-1]
    catalogue = json.loads(run("list", "--format", "json"))
    entries = []
    for entry in catalogue["checks"]:
        entries += [".TP", ".B " + roff(entry["id"]), roff(entry["title"])]
    with open(template, encoding="utf-8") as f:
        page = f.read()
    for key in ("@VERSION@", "@CHECKS@"):
        if key not in page:
            sys.exit(f"man.py: no {key} in {template}")
    page = page.replace("@VERSION@", version).replace("@CHECKS@", "\n".join(entries))
    tmp = output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, output)


if __name__ == "__main__":
    main()
