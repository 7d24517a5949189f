"""Errors named for what went wrong.

The class name is the errorType the state machine sees, so renaming one is a contract change
(docs/contracts.md). Each error carries the data a caller needs to decide what to do next.
"""


class SnaplistError(Exception):
    """Base of every error the domain raises on purpose."""


class UnsupportedImage(SnaplistError):
    """The bytes are not an image we can read: wrong format, truncated, or empty."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"unsupported image: {reason}")
        self.reason = reason


class ProviderTransientError(SnaplistError):
    """A timeout, connection error, 429 or 5xx: worth retrying after `retry_after` seconds."""

    def __init__(
        self, reason: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(f"model provider unavailable: {reason}")
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class ProviderClientError(SnaplistError):
    """Any other 4xx: the request itself is wrong, so retrying cannot help."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"model provider rejected the request ({status}): {reason}")
        self.status = status
        self.reason = reason


class ModelOutputInvalid(SnaplistError):
    """The reply holds no JSON, or JSON that breaks the schema. A retry may do better."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"model output invalid: {reason}")
        self.reason = reason


class ModelOutputTruncated(SnaplistError):
    """The reply was cut off by the token limit (finish_reason "length")."""

    def __init__(self, max_tokens: int | None = None) -> None:
        super().__init__(f"model output truncated at the token limit (max_tokens={max_tokens})")
        self.max_tokens = max_tokens


class ModelRefused(SnaplistError):
    """The model declined to answer; its words are kept for the record."""

    def __init__(self, text: str) -> None:
        super().__init__(f"model refused: {text[:200]}")
        self.text = text


class ConfigurationError(SnaplistError):
    """Unknown provider, missing key, broken taxonomy or prompt template."""
