"""Every installed connector, built-in or third-party: valid manifest, documented, tested."""

from __future__ import annotations

import importlib
import inspect
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest

from connectors.sdk import ENTRY_POINT_GROUP, Application, ChecksLogin, Manifest, load_connectors
from connectors.sdk import _registry as registry
from connectors.sdk.testing import SAMPLE_ANSWERS, sample_application
from hub.errors import ConfigurationError
from hub.forms import FORMS

ENTRIES = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda entry: entry.name)


def _ids(entry: EntryPoint) -> str:
    return entry.name


def sample_for(connector_id: str) -> Application:
    """An application of the first bundled form that lists this connector as a target."""
    form = next(f for f in FORMS.values() if connector_id in f.targets)
    return sample_application(form.id)


def test_every_bundled_form_has_sample_answers_here() -> None:
    # Collections and questionnaires go to no connector: they have nothing to sample here.
    assert set(SAMPLE_ANSWERS) == {k for k, form in FORMS.items() if form.kind == "application"}


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids)
def test_every_connector_is_a_target_of_some_form(entry: EntryPoint) -> None:
    assert any(entry.name in form.targets for form in FORMS.values())


def test_built_in_connectors_are_installed() -> None:
    # Without this, an empty entry-point group would make every test below pass vacuously.
    assert {"civil_affairs", "elderly_api"} <= set(load_connectors())


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids)
def test_manifest_is_valid_and_its_id_is_the_entry_point_name(entry: EntryPoint) -> None:
    manifest = load_connectors()[entry.name].manifest

    # Re-validate: a manifest built with model_construct() or mutated later skips validation.
    assert Manifest.model_validate(manifest.model_dump()) == manifest
    assert manifest.id == entry.name
    assert manifest.fields, "a connector that sends nothing"
    names = [field.name for field in manifest.fields]
    assert len(names) == len(set(names)), "field names must be unique"
    assert all(field.label.strip() for field in manifest.fields)
    assert manifest.allowed_hosts


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids)
def test_connector_package_is_documented(entry: EntryPoint) -> None:
    package = importlib.import_module(entry.module)

    assert (package.__doc__ or "").strip(), f"{entry.module} has no module docstring"


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e.module.startswith("connectors.")], ids=_ids
)
def test_each_built_in_connector_is_in_the_docs_table(entry: EntryPoint) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "connectors.md").read_text()
    name = load_connectors()[entry.name].manifest.name

    assert f"| `{entry.name}` | {name} |" in docs


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids)
def test_connector_has_its_own_tests_beside_it(entry: EntryPoint) -> None:
    package = importlib.import_module(entry.module)
    assert package.__file__ is not None

    tests = Path(package.__file__).parent / "tests"

    assert sorted(tests.glob("test_*.py")), f"no test_*.py in {tests}"


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids)
def test_connector_maps_every_manifest_field_and_delivers_asynchronously(
    entry: EntryPoint,
) -> None:
    connector = load_connectors()[entry.name]

    values = connector.map(sample_for(entry.name))

    assert set(values) == {field.name for field in connector.manifest.fields}
    assert all(isinstance(value, str) for value in values.values())
    assert inspect.iscoroutinefunction(connector.deliver)


VAULT_ENTRIES = [e for e in ENTRIES if load_connectors()[e.name].manifest.auth == "vault"]


def test_a_built_in_connector_logs_in_with_the_workers_account() -> None:
    # Without this, an empty VAULT_ENTRIES would make the test below pass vacuously.
    assert "civil_affairs" in {e.name for e in VAULT_ENTRIES}


@pytest.mark.parametrize("entry", VAULT_ENTRIES, ids=_ids)
def test_a_connector_logging_in_as_the_worker_has_a_test_login(entry: EntryPoint) -> None:
    connector = load_connectors()[entry.name]

    assert isinstance(connector, ChecksLogin)
    assert inspect.iscoroutinefunction(connector.check_login)


def test_a_vault_connector_without_a_test_login_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class NoCheck:  # a robot for a per-worker login system, without check_login
        manifest = load_connectors()["civil_affairs"].manifest.model_copy(
            update={"decisions": None}
        )

    class Entry:
        name = "civil_affairs"

        def load(self) -> NoCheck:
            return NoCheck()

    monkeypatch.setattr(registry, "entry_points", lambda group: [Entry()])

    with pytest.raises(ConfigurationError, match="check_login"):
        load_connectors()
