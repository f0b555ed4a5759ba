"""The libcst codemod command, where libcst users look for it: ``codemods/migrate_to_flex.py``.

From a clone of this repository, ``python -m libcst.tool codemod migrate_to_flex.MigrateToFlex
--no-format PATH`` finds it through the repository's ``.libcst.codemod.yaml``.  Where flexmigrate
is installed from a package, list ``flexmigrate.codemods`` in your own ``.libcst.codemod.yaml``
instead (docs/libcst-codemod.md): this folder is not installed, so it never shadows a project's
own ``codemods`` package.
"""

from flexmigrate.codemods.migrate_to_flex import MigrateToFlex

__all__ = ["MigrateToFlex"]
