"""Count the instructions of the gated route and of the bare handler under callgrind.

Timings on a shared two-core machine swing by 10-20 % with whatever else runs,
and ``bench/run.py`` can only interleave the contenders against that. Callgrind
counts executed instructions instead of timing them, so the same code gives
the same count on a busy machine (hash randomisation is pinned so that
start-up work repeats exactly). Each contender runs in its own process
twice, with 0 and with ``--calls`` requests after the same warm-up; the
difference divided by the calls is its cost per request, free of start-up.
The ratio bare/kernel is the load-independent companion of run.py's timed
ratio (target >= 0.8). Needs valgrind; takes a few minutes.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = 0.8
WARM_UP = 200
COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def child(mode: str, calls: int) -> None:
    """Boot the bench platform, warm both contenders, then call one of them ``calls`` times."""
    import run

    platform, shop = run.start_platform()
    host = f"{shop.slug}.{run.BASE_DOMAIN}"
    kernel = run.wsgi_caller(platform.app, host, "/api/hello")
    status, body = kernel()
    bare_app = run.falcon.App()
    bare_app.add_route("/api/hello", run.BareHello(json.loads(body)))
    bare = run.wsgi_caller(bare_app, host, "/api/hello")
    assert bare() == (status, body), "the bare app must answer the same bytes"
    for _ in range(WARM_UP):
        kernel()
        bare()
    call = kernel if mode == "kernel" else bare
    for _ in range(calls):
        call()


def count(mode: str, calls: int) -> int:
    """Run one child under callgrind and return the instructions it executed."""
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch}/out",
             sys.executable, __file__, "--child", mode, str(calls)],
            capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"},
        )
    return int(COLLECTED.search(done.stderr).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=10000, help="requests per measured child")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "CALLS"), help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(HERE / "instructions.json"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 1
    runs = [(mode, calls) for mode in ("kernel", "bare") for calls in (0, args.calls)]
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        totals = dict(zip(runs, pool.map(lambda run: count(*run), runs)))
    per_call = {mode: (totals[(mode, args.calls)] - totals[(mode, 0)]) / args.calls for mode in ("kernel", "bare")}
    ratio = round(per_call["bare"] / per_call["kernel"], 3)
    results = {
        "calls": args.calls,
        "kernel_instructions_per_call": round(per_call["kernel"]),
        "bare_instructions_per_call": round(per_call["bare"]),
        "ratio": ratio,
        "target": TARGET,
        "ok": ratio >= TARGET,
    }
    print(f"gated route GET /api/hello: kernel {results['kernel_instructions_per_call']:,} instructions/call, "
          f"bare {results['bare_instructions_per_call']:,}; ratio bare/kernel {ratio:.3f} (target >= {TARGET})")
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
