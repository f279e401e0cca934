#!/usr/bin/env python3
"""manpage.py BINARY: print r53hook(1) in man(7) roff, generated from the command definitions.

Reads `BINARY --experimental-dump-help`: the JSON (ArgumentParserToolInfo) that
swift-argument-parser writes from the commands' own declarations, and the same input its
GenerateManual plugin's generate-manual tool reads. The plugin is not used: it works offline,
but it rebuilds the package in a plain release configuration first, relinking
.build/release/r53hook against the toolchain's shared Swift runtime over the portable binary
that scripts/build-release made. Deterministic: no date but SOURCE_DATE_EPOCH's.
"""

import json
import os
import subprocess
import sys
import time


def roff(text: str) -> str:
    """Escapes text so that roff prints it as written."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.splitlines():
        # A line starting with . or ' would be read as a request.
        lines.append("\\&" + line if line[:1] in (".", "'") else line)
    return "\n".join(lines)


def names(argument: dict) -> str:
    found = []
    for name in argument.get("names", []):
        dash = "-" if name["kind"] == "short" else "--"
        found.append(dash + name["name"])
    return ", ".join(found) or argument.get("valueName", "")


def describe(argument: dict) -> list[str]:
    if not argument.get("shouldDisplay", True):
        return []
    label = "\\fB" + roff(names(argument)) + "\\fR"
    if argument["kind"] == "option":
        label += " \\fI" + roff(argument.get("valueName", "value")) + "\\fR"
    elif argument["kind"] == "positional":
        label = "\\fI" + roff(argument.get("valueName", "argument")) + "\\fR"
    out = [".TP", label]
    text = argument.get("abstract", "")
    if argument.get("defaultValue") not in (None, ""):
        text += f" (default: {argument['defaultValue']})"
    out.append(roff(text) if text else "")
    if argument.get("discussion"):
        out += [".IP", roff(argument["discussion"])]
    return out


def command_section(command: dict, path: str) -> list[str]:
    out = [".SS " + roff(path)]
    if command.get("abstract"):
        out.append(roff(command["abstract"]))
    if command.get("discussion"):
        out += [".PP", roff(command["discussion"])]
    for argument in command.get("arguments", []):
        out += describe(argument)
    for sub in command.get("subcommands", []):
        out += command_section(sub, path + " " + sub["commandName"])
    return out


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    dumped = subprocess.run([sys.argv[1], "--experimental-dump-help"], check=True,
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    root = json.loads(dumped.stdout)["command"]
    name = root["commandName"]
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    date = time.strftime("%Y-%m-%d", time.gmtime(epoch))
    out = [f'.TH {name.upper()} 1 "{date}" "{name}" "User Commands"',
           ".SH NAME", f"{name} \\- " + roff(root.get("abstract", "")),
           ".SH SYNOPSIS", f"\\fB{name}\\fR \\fIsubcommand\\fR [\\fIoptions\\fR]"]
    if root.get("discussion"):
        out += [".SH DESCRIPTION", roff(root["discussion"])]
    options = [a for a in root.get("arguments", []) if a.get("shouldDisplay", True)]
    if options:
        out.append(".SH OPTIONS")
        for argument in options:
            out += describe(argument)
    out.append(".SH COMMANDS")
    for sub in root.get("subcommands", []):
        out += command_section(sub, f"{name} {sub['commandName']}")
    out += [".SH FILES",
            ".TP", "\\fI/etc/default/r53hook\\fR (Debian), \\fI/etc/sysconfig/r53hook\\fR (RHEL-like)",
            "The configuration read by the units and the init script (\\fB\\-\\-config\\fR FILE).",
            ".TP", "\\fI/usr/share/doc/r53hook/\\fR",
            "IAM policies, the annotated sample configuration and systemd examples.",
            ".SH SEE ALSO", "\\fBsystemctl\\fR(1), \\fBsystemd.service\\fR(5)"]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
