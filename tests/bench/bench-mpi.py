#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""MPI scaling of `lossviz-cli ensemble` on this node (issue 17), as ratios in one run.

Runs one workload (default: the choromanska2015 preset at 16 runs per size and 1 epoch) three
ways -- single process with 2 threads (the reference), `mpirun -n 1` with 2 threads, `mpirun -n
2` with 1 thread each -- checks that all three give the same per-run results, and prints wall
time, CPU time and speed relative to the reference. The CPU seconds of the reference are the
cost of one epoch of the preset (at --runs R) on this node; the projection for the whole
protocol on C cores follows from them (README, "Running on a cluster"). Exit 77 without mpirun
or Fashion-MNIST.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time


def run(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE).stdout
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(out), wall, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cli', required=True)
    ap.add_argument('--runs', type=int, default=16)
    ap.add_argument('--epochs', type=int, default=1)
    ap.add_argument('--sizes', default=None, help='override the preset sizes')
    ap.add_argument('--out', default=None, help='write the report as JSON here')
    a = ap.parse_args()
    mpirun = shutil.which('mpirun')
    if mpirun is None or not os.path.exists(
            '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'):
        print('1..0 # SKIP needs mpirun and dataset-fashion-mnist')
        return 77
    env = dict(os.environ)
    if os.getuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT='1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM='1')
    work = ['ensemble', '--preset', 'choromanska2015', '--runs', str(a.runs), '--epochs',
            str(a.epochs), '--json']
    if a.sizes:
        work += ['--sizes', a.sizes]
    setups = [
        ('single process, 2 threads', [a.cli] + work + ['--threads', '2']),
        ('mpirun -n 1, 2 threads', [mpirun, '-n', '1', a.cli] + work + ['--threads', '2']),
        ('mpirun -n 2, 1 thread each',
         [mpirun, '--oversubscribe', '-n', '2', a.cli] + work + ['--threads', '1']),
    ]
    rows = []
    ref_runs = None
    for name, cmd in setups:
        res, wall, cpu = run(cmd, env)
        if ref_runs is None:
            ref_runs = res['runs']
        rows.append({'setup': name, 'wall_s': wall, 'cpu_s': cpu,
                     'identical': res['runs'] == ref_runs})
    ref = rows[0]['wall_s']
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float('nan')
    print(f'workload: {" ".join(work)}; load average {load:.1f} on {os.cpu_count()} cores')
    print(f'{"setup":30s} {"wall s":>8s} {"cpu s":>8s} {"speed vs ref":>13s} identical')
    for r in rows:
        r['speed_vs_reference'] = ref / r['wall_s']
        print(f'{r["setup"]:30s} {r["wall_s"]:8.2f} {r["cpu_s"]:8.2f} '
              f'{r["speed_vs_reference"]:13.3f} {r["identical"]}')
    if a.out:
        with open(a.out, 'w') as f:
            json.dump({'workload': work, 'load_average': load, 'rows': rows}, f, indent=1)
    return 0 if all(r['identical'] for r in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
