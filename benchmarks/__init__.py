"""The heavy experiments behind the chapters (`make bench`).

Importing this package starts recording which functions run, so that each saved result knows
exactly which code it depends on (`companion.provenance`).
"""

from companion.provenance import record_calls

record_calls()
