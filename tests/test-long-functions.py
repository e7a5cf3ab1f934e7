#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""build-aux/long-functions.py: fixtures of known length (built here line by line, so the
expected counts are the construction's, not the script's), then the real src/ tree, which must
have no function over 80 lines.

usage: test-long-functions.py SOURCE_ROOT
"""
import os
import subprocess
import sys
import tempfile

root = sys.argv[1]
script = os.path.join(root, 'build-aux', 'long-functions.py')
failures = 0


def check(what, ok):
    global failures
    print(('ok' if ok else 'FAIL') + ' - ' + what)
    failures += 0 if ok else 1


def run(*args):
    p = subprocess.run([sys.executable, script, *args], capture_output=True, text=True)
    return p.returncode, p.stdout


def gnu_function(name, total):
    """A GNU-style definition of exactly @total lines: type, name, {, body, }."""
    body = ['  x += %d;' % i for i in range(total - 4)]
    return ['static int', '%s (int x)' % name, '{', *body, '}']


with tempfile.TemporaryDirectory() as tmp:
    def write(fname, lines):
        path = os.path.join(tmp, fname)
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        return path

    at_limit = write('at-limit.c', ['#include <glib.h>', ''] + gnu_function('fits', 80))
    rc, out = run(at_limit)
    check('an 80-line function passes (exit 0, nothing listed)', rc == 0 and out == '')

    over = write('over.c', ['/* a file */', ''] + gnu_function('short_one', 10) + ['']
                 + gnu_function('too_long', 81))
    rc, out = run(over)
    check('an 81-line function fails (exit 1)', rc == 1)
    # Lines 1-2 header, 3-12 short_one, 13 blank: too_long's type line is line 14.
    check('it is named with its first line and length',
          out.strip() == '%s:14: too_long: 81 lines' % over)

    rc, out = run('--max', '9', over)
    check('--max 9 lists both functions', rc == 1 and out.count('\n') == 2
          and 'short_one: 10 lines' in out)

    one_line = write('one-line.c', ['int', 'main (void)', '{'] + ['  ;'] * 78 + ['}'])
    rc, out = run(one_line)
    check('type on its own line is counted (82 lines)', rc == 1 and 'main: 82 lines' in out)

    same_line = ['static void same_line (void)', '{'] + ['  ;'] * 77 + ['}']
    rc, out = run(write('same-line.c', same_line))
    check('type and name on one line: 80 lines pass', rc == 0)
    rc, out = run(write('same-line.c', same_line[:2] + ['  ;'] + same_line[2:]))
    check('type and name on one line: 81 lines fail', rc == 1 and 'same_line: 81 lines' in out)

    not_functions = (['struct _Big', '{'] + ['  int f%d;' % i for i in range(100)] + ['};', '',
                     'void prototype (void);', '',
                     'static const int table[] =', '{'] + ['  %d,' % i for i in range(100)]
                     + ['};'])
    rc, out = run(write('not-functions.c', not_functions))
    check('structs, prototypes and tables are not functions', rc == 0 and out == '')

    rc, out = run(tmp)
    check('a folder is searched', rc == 1 and 'too_long' in out and 'main' in out)

rc, _ = run('--max', 'x', os.path.join(root, 'src'))
check('bad --max is a usage error (exit 2)', rc == 2)
rc, _ = run(os.path.join(root, 'no-such-file.c'))
check('a missing file is an error (exit 2)', rc == 2)

rc, out = run(os.path.join(root, 'src'))
check('no function in src/ is over 80 lines', rc == 0)
if rc != 0:
    sys.stdout.write(out)
sys.exit(1 if failures else 0)
