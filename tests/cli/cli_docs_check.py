#!/usr/bin/env python3
"""Man pages and completions against --help (issue 17): every command path's options and
subcommands, as `fwprov ... --help` lists them, must be exactly those of its man page section
and its bash and zsh completion entries. Run by cli_docs.test.sh; prints PASS/FAIL lines.

usage: cli_docs_check.py FWPROV FWPROV_SIM CLI_DOCS_DIR"""
import gzip
import re
import subprocess
import sys

fwprov, fwprov_sim, docs = sys.argv[1], sys.argv[2], sys.argv[3]


def report(ok, what):
    print(("PASS: " if ok else "FAIL: ") + what)


def help_of(path, program=None):
    """(options, subcommands, every subcommand spelling) that `fwprov PATH --help` lists."""
    text = subprocess.run([program or fwprov, *path, "--help"], capture_output=True, text=True, check=True).stdout
    options, commands, spellings, section = set(), [], [], None
    groups = aliases.setdefault(tuple(path), [])
    for line in text.splitlines():
        if re.match(r"^[A-Za-z][A-Za-z ]*:$", line):
            section = line[:-1].lower()
            continue
        if section == "options":
            m = re.match(r"^  (\S+)", line)
            if m:
                options.update(n for n in m.group(1).split(",") if n.startswith("-"))
        elif section == "subcommands":
            m = re.match(r"^  ([^\s,]+(?:, [^\s,]+)*)", line)
            if m:
                groups.append(m.group(1).split(", "))
                commands.append(groups[-1][0])
                spellings.extend(groups[-1])
    return options, commands, spellings


# Every command path, from the program's own --help down; aliases[path] = [[name, alias...]].
paths, tree, aliases = [[]], {}, {}
while paths:
    path = paths.pop()
    tree[tuple(path)] = help_of(path)
    paths.extend(path + [c] for c in tree[tuple(path)][1])
report(len(tree) > 20, f"{len(tree)} command paths found through --help")

# --- man pages: one per top-level command plus fwprov(1); every path's options in its section.
root_commands = tree[()][1]
listing = subprocess.run(["ls", f"{docs}/man1"], capture_output=True, text=True).stdout.split()
want_pages = sorted(["fwprov.1.gz", "fwprov-sim.1.gz"] + [f"fwprov-{c}.1.gz" for c in root_commands])
report(sorted(listing) == want_pages, f"man pages {sorted(listing)} are one per command {want_pages}")


def roff(name):
    try:
        return gzip.open(f"{docs}/man1/{name}", "rt").read().replace("\\-", "-")
    except OSError:
        return ""  # a missing page, reported above


def bold_options(section):
    return set(re.findall(r"\\fB(-[^\\ ]+)\\fR", section))


def section_after(text, start, ends):
    i = text.find(start)
    if i < 0:
        return None
    rest = text[i + len(start):]
    cut = min([j for j in (rest.find(e) for e in ends) if j >= 0] or [len(rest)])
    return rest[:cut]


for path, (options, commands, spellings) in sorted(tree.items()):
    name = " ".join(["fwprov", *path])
    if len(path) == 0:
        page = roff("fwprov.1.gz")
        section = section_after(page, ".SH OPTIONS\n", ["\n.SH "])
        listed = re.findall(r"\\fBfwprov-([a-z0-9-]+)\\fR\(1\)", section_after(page, ".SH COMMANDS\n", ["\n.SH "]) or "")
        report(listed == commands, f"fwprov(1) lists the commands {commands}")
    elif len(path) == 1:
        page = roff(f"fwprov-{path[0]}.1.gz")
        section = section_after(page, ".SH OPTIONS\n", ["\n.SH "]) or ""
    else:
        page = roff(f"fwprov-{path[0]}.1.gz")
        section = section_after(page, f'.SS "{name}"\n', ["\n.SS ", "\n.SH "])
        if section is None:
            report(False, f"{name}: no subsection in fwprov-{path[0]}(1)")
            continue
        section = section_after(section, "Options:\n", ["\n.RE"]) or ""
    got = bold_options(section or "")
    report(got == options, f"{name}: man page options {sorted(got)} == --help {sorted(options)}")

# fwprov-sim(1): its options as its --help lists them.
sim_options = help_of([], fwprov_sim)[0]
got = bold_options(section_after(roff("fwprov-sim.1.gz"), ".SH OPTIONS\n", ["\n.SH "]) or "")
report(got == sim_options, f"fwprov-sim: man page options {sorted(got)} == --help {sorted(sim_options)}")

# --- bash: the completion's own tables, asked through bash itself.
def bash_words(kind, key):
    script = f'source "{docs}/bash/fwprov"; _fwprov_words {kind} "$1"'
    out = subprocess.run(["bash", "--norc", "-c", script, "_", key], capture_output=True, text=True, check=True).stdout
    return out.split()


def ancestors_options(path):
    names = set()
    for i in range(len(path) + 1):
        names |= tree[tuple(path[:i])][0]
    return names


for path, (options, commands, spellings) in sorted(tree.items()):
    key, name = " ".join(path), " ".join(["fwprov", *path])
    got_commands = bash_words("commands", key)
    report(got_commands == spellings, f"bash {name}: commands {got_commands} == --help {spellings}")
    got = set(bash_words("options", key))
    report(options <= got <= ancestors_options(path),
           f"bash {name}: options {sorted(got)} hold --help's {sorted(options)} and only the path's")

# An alias completes like its command: `flash write_flash --fm` as `flash write --fm`.
for path, groups in sorted(aliases.items()):
    for canonical, *others in groups:
        want = bash_words("options", " ".join(path + (canonical,)))
        for alias in others:
            key = " ".join(path + (alias,))
            report(bash_words("options", key) == want, f"bash {key}: an alias completes like {canonical}")

# --- zsh: the same tables, read from the script's text (zsh may not be installed).
zsh = open(f"{docs}/zsh/_fwprov").read()


def zsh_entries(kind, key):
    block = section_after(zsh, f"  {kind})\n", ["esac ;;"])
    m = re.search(r"^    '" + re.escape(key) + r"'\) reply=\((.*)\) ;;$", block or "", re.M)
    if not m:
        return None
    return [w.split(":")[0].replace("\\", "") for w in re.findall(r"'((?:[^']|'\\'')*)'", m.group(1))]


for path, (options, commands, spellings) in sorted(tree.items()):
    key, name = " ".join(path), " ".join(["fwprov", *path])
    got_commands = zsh_entries("commands", key)
    report(got_commands == spellings, f"zsh {name}: commands {got_commands} == --help {spellings}")
    got = set(zsh_entries("options", key) or [])
    report(options <= got <= ancestors_options(path), f"zsh {name}: options hold --help's and only the path's")
