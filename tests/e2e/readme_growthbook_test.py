#!/usr/bin/env python3
"""The README's Python recomputation of experiment assignments gives what GrowthBook's SDK gives.

Runs the code block after "<!-- readme-test: growthbook -->" in README.md on the vectors that
GrowthBook's JavaScript SDK produced (the same as tests/unit/growthbook_hash_test.cc).
"""
import re
import sys

readme = open(sys.argv[1], encoding="utf-8").read()
match = re.search(r"<!-- readme-test: growthbook -->\s*```python\n(.*?)```", readme, re.S)
if not match:
    sys.exit("README.md: no python block after <!-- readme-test: growthbook -->")
scope = {}
exec(match.group(1), scope)  # noqa: S102 - the repository's own README
variant = scope["variant"]

# (id, seed, weights, coverage, namespace or None, expected variant or None)
CASES = [
    ("reader-1", "ranking-weights", [0.5, 0.5], 1, None, 0),
    ("reader-2", "ranking-weights", [0.5, 0.5], 1, None, 1),
    ("session-abc", "ranking-weights", [0.5, 0.5], 1, None, 0),
    ("u42", "salt-7", [0.2, 0.3, 0.5], 1, None, 2),
    ("u43", "salt-7", [0.2, 0.3, 0.5], 0.6, None, None),
    ("u44", "salt-7", [0.2, 0.3, 0.5], 0.6, None, 2),
    ("reader-1", "ranking-weights", [0.5, 0.5], 1, ("layer-a", 0, 0.5), 0),
    ("reader-2", "ranking-weights", [0.5, 0.5], 1, ("layer-a", 0, 0.5), None),
    ("session-abc", "ranking-weights", [0.5, 0.5], 1, ("layer-a", 0.5, 1), 0),
]
failed = 0
for unit, seed, weights, coverage, ns, want in CASES:
    salt, start, end = ns if ns else ("", 0, 1.01)  # no namespace: every unit is in
    got = variant(unit, salt, (start, end), seed, weights, coverage)
    if got != want:
        print(f"FAIL {unit} {seed} {ns}: got {got}, GrowthBook's SDK gives {want}")
        failed += 1
print(f"{len(CASES) - failed} of {len(CASES)} vectors match")
sys.exit(1 if failed else 0)
