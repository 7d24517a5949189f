"""How the domain finds its data and is assembled from the environment."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from tests.support.scripted_provider import ScriptedProvider, json_reply
from tests.unit.domain.conftest import REPOSITORY
from tests.unit.domain.support import encode, two_tone

from snaplist.domain import ProductType, build_vision_service, data_root, paths


def test_given_data_dir_setting_then_data_root_uses_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SNAPLIST_DATA_DIR", str(tmp_path))

    assert data_root() == tmp_path


def test_given_the_lambda_layer_then_data_root_is_its_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SNAPLIST_DATA_DIR", raising=False)
    monkeypatch.setattr(paths, "LAYER_DATA_DIR", tmp_path)

    assert data_root() == tmp_path


def test_given_no_setting_and_no_layer_then_data_root_is_the_repository(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SNAPLIST_DATA_DIR", raising=False)
    monkeypatch.setattr(paths, "LAYER_DATA_DIR", tmp_path / "absent")

    assert data_root() == REPOSITORY
    assert (data_root() / "taxonomy" / "categories.yaml").is_file()


def test_given_the_domain_is_imported_then_boto3_is_not() -> None:
    probe = "import sys, snaplist.domain; print('boto3' in sys.modules)"

    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"


def test_given_only_the_offline_port_then_the_service_talks_to_that_loopback_server(
    scripted: ScriptedProvider,
) -> None:
    port = urlparse(scripted.base_url).port
    service = build_vision_service({"SNAPLIST_OFFLINE_PORT": str(port)})
    scripted.script(json_reply({"product_type": "furniture", "confidence": 0.8}))

    result = service.classify_product([encode(two_tone(300, 300), "JPEG")])

    assert result.product_type == ProductType.FURNITURE
    body = scripted.requests[0]["body"]
    assert body["model"] == "snaplist-offline"
    assert body["response_format"]["type"] == "json_schema"


def test_given_a_remote_provider_without_key_then_building_the_service_says_what_to_set() -> None:
    with pytest.raises(Exception, match="SNAPLIST_API_KEY") as raised:
        build_vision_service({"SNAPLIST_PROVIDER": "siliconflow"})

    assert type(raised.value).__name__ == "ConfigurationError"
