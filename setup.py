"""The one compiled part of Tieout: the camt.053 entry reader (server/importers/camt053_walk.pyx).

Everything else is in pyproject.toml. The extension is optional: without a C compiler the install goes on and
the importer uses its pure-Python reader (same answers, slower); the test suite checks that it was built.
It reads lxml's nodes through lxml's public C declarations, so it is built against the lxml it runs with
(the same version range in build-system.requires and in the dependencies).
"""
import lxml
from Cython.Build import cythonize
from setuptools import Extension, setup

setup(ext_modules=cythonize(
    [Extension("tieout.server.importers.camt053_walk", ["server/importers/camt053_walk.pyx"],
               include_dirs=lxml.get_include(), optional=True)],
    compiler_directives={"language_level": 3}, quiet=True))
