"""Add up the JUnit reports of the `make test` steps into one closing line.

    python -m tools.test_summary _build/reports

prints e.g. `total: 312 passed, 0 failed, 2 skipped (unit 180, notebooks 96, book 20, browser 16)`
and exits non-zero if any step failed or a step ran no test at all.
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main(folder: str = "_build/reports") -> int:
    reports = sorted(Path(folder).glob("*.xml"))
    if not reports:
        print(f"total: no JUnit reports in {folder}/: did the test steps run?")
        return 1
    passed = failed = skipped = 0
    parts = []
    empty = []
    for report in reports:
        suites = ET.parse(report).getroot()
        suites = [suites] if suites.tag == "testsuite" else list(suites)
        tests = sum(int(s.get("tests", 0)) for s in suites)
        bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
        skip = sum(int(s.get("skipped", 0)) for s in suites)
        passed += tests - bad - skip
        failed += bad
        skipped += skip
        parts.append(f"{report.stem} {tests}")
        if tests == 0:
            empty.append(report.stem)
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped ({', '.join(parts)})")
    if empty:
        print(f"these steps ran no test: {', '.join(empty)}")
    return 1 if failed or empty else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
