"""One exception tree for everything bialign reports to its users.

Every error raised on purpose by bialign is a `BialignError`. Each
subclass also derives from the natural built-in exception (``ValueError``,
``TypeError``, ``OSError`` …) so that generic handlers keep working, and each
carries the offending value as attributes, so callers never parse messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "BialignError",
    "EmptyInputError",
    "EncodingError",
    "InputError",
    "InputTypeError",
    "LanguageError",
    "LanguageWarning",
    "MarkupWarning",
    "MissingDependencyError",
    "ModelError",
    "OptionError",
    "OutputError",
    "ResourceError",
    "SchedulerError",
    "TruncationWarning",
    "UnknownNameError",
]


class BialignError(Exception):
    """Root of every error bialign raises on purpose."""


class InputError(BialignError, ValueError):
    """An input value that bialign cannot work with.

    Attributes:
        value: The offending value (possibly shortened for very long texts).
    """

    def __init__(self, message: str, value: Any = None) -> None:
        super().__init__(message)
        self.value = _shorten(value)


class EmptyInputError(InputError):
    """The text (or list of sentences) is empty or only whitespace."""


class InputTypeError(BialignError, TypeError):
    """An argument of the wrong type, for example ``bytes`` where ``str`` is expected.

    Attributes:
        value: The offending value (shortened).
        expected: A short name of the expected type.
    """

    def __init__(self, message: str, value: Any = None, expected: str = "str") -> None:
        super().__init__(message)
        self.value = _shorten(value)
        self.expected = expected


class LanguageError(InputError):
    """A text is not in the language bialign expected, or in no language it knows.

    Attributes:
        value: The text (shortened).
        expected: The expected language code (``"ar"`` or ``"en"``), if any.
        found: The language detected, or ``None`` when the text has no letters of either.
    """

    def __init__(
        self,
        message: str,
        value: Any = None,
        *,
        expected: str | None = None,
        found: str | None = None,
    ) -> None:
        super().__init__(message, value)
        self.expected = expected
        self.found = found


class OptionError(InputError):
    """A keyword option with a value bialign does not accept (``roles="off"``, a NaN threshold …).

    Raised before any work is done. The message names the option and what it accepts.

    Attributes:
        option: The option's name (``"roles"``, ``"weights.link_threshold"`` …).
        value: The offending value (shortened).
        accepted: A short description of what would be accepted.
    """

    def __init__(self, option: str, value: Any, accepted: str, message: str | None = None) -> None:
        super().__init__(message or f"{option}={value!r} is not accepted: {accepted}", value)
        self.option = option
        self.accepted = accepted


class EncodingError(InputError):
    """A file whose bytes are not valid UTF-8.

    Attributes:
        path: The file.
        position: Byte offset of the first invalid byte.
    """

    def __init__(self, message: str, path: str, position: int | None = None) -> None:
        super().__init__(message, path)
        self.path = path
        self.position = position


class UnknownNameError(BialignError, ValueError):
    """A name (scorer, translator, format, role …) that is not registered.

    Attributes:
        name: The unknown name.
        choices: The names that are known.
    """

    def __init__(self, kind: str, name: str, choices: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.choices = tuple(sorted(choices))
        super().__init__(f"unknown {kind} {name!r}; choose one of: {', '.join(self.choices)}")


class ResourceError(BialignError, RuntimeError):
    """A data file in ``resources/`` (or one a user supplied) is missing or malformed.

    Attributes:
        path: The file.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class ModelError(BialignError, RuntimeError):
    """A model (translation model, sentence encoder) could not be loaded or run.

    Attributes:
        model: The model name or path.
    """

    def __init__(self, message: str, model: str | None = None) -> None:
        super().__init__(message)
        self.model = model


class MissingDependencyError(BialignError, ImportError):
    """An optional dependency is not installed.

    Attributes:
        package: The distribution to install.
    """

    def __init__(self, feature: str, package: str) -> None:
        self.package = package
        super().__init__(f"{feature} needs the package {package!r}: pip install {package}")


class OutputError(BialignError, OSError):
    """An output file or folder that cannot be written.

    Attributes:
        path: The path.
    """

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


class SchedulerError(BialignError, ConnectionError):
    """The Dask scheduler given to a corpus run cannot be reached.

    Attributes:
        address: The scheduler's address (``tcp://host:8786``).
    """

    def __init__(self, message: str, address: str) -> None:
        super().__init__(message)
        self.address = address


class TruncationWarning(UserWarning):
    """Some inputs were longer than a model accepts and were cut (a warning, not an error)."""


class MarkupWarning(UserWarning):
    """A text holds HTML or XML markup (tags, entities), which is read as words.

    Pasted page source rather than the article's text: extract the text first.
    """


class LanguageWarning(UserWarning):
    """A text is in the expected script but does not read as the expected language.

    For example French given as the English side, or Persian as the Arabic side.
    The message gives the evidence (which words or letters).
    """


def _shorten(value: Any, limit: int = 200) -> Any:
    if isinstance(value, bytes) and len(value) > limit:
        return value[:limit] + b"..."
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + "..."
    return value
