"""The heavy experiments behind the chapters (`make bench`).

Run as ``python -m benchmarks.<name>``, a benchmark records which functions run, so that each
saved result knows exactly which code it depends on (`companion.provenance`). Python imports this
package before the script, while ``sys.argv[0]`` is still "-m"; a test that merely imports a
benchmark module is not recorded (the recorder would slow every later test).
"""

import sys

from companion.provenance import record_calls

if sys.argv[0] == "-m":
    record_calls()
