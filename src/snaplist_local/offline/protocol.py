"""The OpenAI chat-completions shapes this server reads and writes (the parts it needs)."""

import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MODEL_ID = "snaplist-offline-1"
# What one low-detail image costs in the OpenAI accounting; used for an honest estimate.
TOKENS_PER_IMAGE = 85
CHARS_PER_TOKEN = 4

CLASSIFICATION = "snaplist_classification"
EXTRACTION = "snaplist_extraction"


class ImageUrl(BaseModel):
    model_config = ConfigDict(extra="allow")
    url: str
    detail: str | None = None


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None
    image_url: ImageUrl | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[ContentPart] | None = None


class JsonSchemaFormat(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    schema_: dict[str, Any] = Field(default_factory=dict, alias="schema")
    strict: bool | None = None


class ResponseFormat(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    json_schema: JsonSchemaFormat | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str | None = None
    messages: list[Message]
    response_format: ResponseFormat | None = None
    max_tokens: int | None = None
    temperature: float | None = None

    def texts(self) -> list[str]:
        found = []
        for message in self.messages:
            if isinstance(message.content, str):
                found.append(message.content)
            for part in message.content if isinstance(message.content, list) else []:
                if part.type == "text" and part.text:
                    found.append(part.text)
        return found

    def image_urls(self) -> list[str]:
        return [
            part.image_url.url
            for message in self.messages
            if isinstance(message.content, list)
            for part in message.content
            if part.type == "image_url" and part.image_url is not None
        ]


class ApiError(Exception):
    """An error answered as an OpenAI-style error body with an HTTP status."""

    def __init__(self, status: int, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param

    def body(self) -> dict[str, Any]:
        kind = "invalid_request_error" if self.status < 500 else "server_error"
        return {"error": {"message": self.message, "type": kind, "param": self.param, "code": None}}


def completion(content: str, request: ChatRequest) -> dict[str, Any]:
    prompt_chars = sum(len(text) for text in request.texts())
    prompt_tokens = prompt_chars // CHARS_PER_TOKEN + TOKENS_PER_IMAGE * len(request.image_urls())
    completion_tokens = max(1, len(content) // CHARS_PER_TOKEN)
    return chat_completion(content, MODEL_ID, prompt_tokens, completion_tokens)


def chat_completion(
    content: str, model: str, prompt_tokens: int, completion_tokens: int
) -> dict[str, Any]:
    """A finished chat.completion reply carrying `content`, in the OpenAI shape."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def models_list() -> dict[str, Any]:
    entry = {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "snaplist"}
    return {"object": "list", "data": [entry]}


Kind = Literal["classification", "extraction"]
