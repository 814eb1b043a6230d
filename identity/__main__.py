"""`python -m identity`: provision the realm (same as `python -m identity.provision`).

Preferred in scripts: `identity/__init__.py` imports `identity.provision`, so running that module
directly makes runpy warn that it was already imported.
"""

from identity.provision import main

main()
