"""Run every benchmarks/bench_*.py in turn (``make bench``); each prints its own ratios."""

import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
failed = []
for script in sorted(here.glob("bench_*.py")):
    print(f"\n##### {script.name}", flush=True)
    if subprocess.run([sys.executable, str(script)] + sys.argv[1:]).returncode:
        failed.append(script.name)
if failed:
    sys.exit(f"benchmarks failed: {', '.join(failed)}")
