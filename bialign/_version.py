"""The version of bialign: the one place it is written.

The build (hatch, ``[tool.hatch.version]`` in ``pyproject.toml``) reads it from
here, and so do ``bialign.__version__``, ``bialign --version`` and the signature.
"""

__version__ = "0.1.0"
