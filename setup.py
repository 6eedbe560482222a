"""The one compiled part of Tieout: the camt.053 entry reader (server/importers/camt/walk.pyx).

Everything else is in pyproject.toml. The extension is optional: without a C compiler or Python's headers the
install goes on and the importer uses its pure-Python reader (same answers, slower); the test suite checks
that it was built. It reads lxml's nodes through lxml's public C declarations, so it is built against the lxml
it runs with (the same version range in build-system.requires and in the dependencies).
"""
import sys

import lxml
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """Build the extension if this machine can; otherwise say so and install without it (setuptools'
    `optional=True` does not catch every way a missing compiler fails)."""

    def run(self):
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any build failure leaves the pure-Python reader in use
            self._skipped(exc)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001
            self._skipped(exc)

    @staticmethod
    def _skipped(exc):
        print(f"warning: the compiled camt.053 entry reader was not built ({exc}); camt.053 files will import "
              "through the slower pure-Python reader", file=sys.stderr)


setup(
    ext_modules=cythonize(
        [Extension("tieout.server.importers.camt.walk", ["server/importers/camt/walk.pyx"],
                   include_dirs=lxml.get_include())],
        compiler_directives={"language_level": 3}, quiet=True),
    cmdclass={"build_ext": OptionalBuildExt},
)
