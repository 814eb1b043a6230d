"""`python -m identity plan|apply`: show the realm's drift from the code, or apply the code.

Preferred in scripts: `identity/__init__.py` imports `identity.provision`, so running that module
directly makes runpy warn that it was already imported.
"""

from identity.provision import main

raise SystemExit(main())
