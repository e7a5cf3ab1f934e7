#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lists the C functions longer than a limit (80 lines by default) and fails when there is one.

usage: long-functions.py [--max N] PATH...   (PATH: a .c/.h file or a folder searched for them)

A function is counted from its return type's line (the line before its name in the project's
GNU style, or the name's own line) to its closing brace, both included: the name at column 0
or after the type, followed by "(", the body's "{" and "}" alone at column 0. Prints "file:line: name: N lines" for each function over the limit, then exits 1;
exits 0 when there is none, 2 on bad usage or a path that cannot be read.
"""
import os
import re
import sys

NAME = re.compile(r'^(?:[A-Za-z_][\w\s\*]*?\s\**)?([A-Za-z_]\w*)\s*\(')


def is_type_line(line):
    """Whether @line is a return type standing alone ("static void", "GtkWidget *")."""
    text = line.rstrip()
    return (bool(text) and not text[0].isspace() and not text.startswith(('#', '/', '*', '}'))
            and not text.endswith((';', '*/', '{', ',', ')')))


def functions(lines):
    """Yields (name, first line number, length) for each function definition in @lines."""
    name, name_line, start = None, 0, None
    for i, line in enumerate(lines):
        text = line.rstrip('\n')
        if start is None:
            if text == '{' and name is not None:
                start = name_line
            elif text and not text[0].isspace() and not text.startswith(('{', '}', '#', '/', '*')):
                m = NAME.match(text)
                # A declarator, not a prototype or a call: the body's "{" comes next.
                name, name_line = (m.group(1), i) if m and not text.rstrip().endswith(';') else (None, 0)
                if name is not None and m.start(1) == 0 and i > 0 and is_type_line(lines[i - 1]):
                    name_line = i - 1
        elif text == '}':
            yield name, start + 1, i - start + 1
            name, start = None, None


def sources(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith(('.c', '.h')):
                        yield os.path.join(root, f)
        else:
            yield path


def main(argv):
    limit, paths = 80, []
    args = iter(argv)
    for arg in args:
        if arg == '--max':
            value = next(args, '')
            if not value.isdigit() or int(value) < 1:
                print('long-functions: error: --max takes a whole number ≥ 1', file=sys.stderr)
                return 2
            limit = int(value)
        else:
            paths.append(arg)
    if not paths:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    found = 0
    for path in sources(paths):
        try:
            with open(path, encoding='utf-8') as f:
                lines = f.readlines()
        except OSError as e:
            print(f'long-functions: error: {e}', file=sys.stderr)
            return 2
        for name, line, length in functions(lines):
            if length > limit:
                print(f'{path}:{line}: {name}: {length} lines')
                found += 1
    if found:
        print(f'{found} function(s) over {limit} lines', file=sys.stderr)
    sys.stdout.flush()
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
