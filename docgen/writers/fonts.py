"""Moved to `docgen.lang.fonts` (language facts shared by writers and qa); this name is
the same module object, private helpers included."""
import sys

from docgen.lang import fonts as _fonts

sys.modules[__name__] = _fonts
