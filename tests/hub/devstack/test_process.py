"""A component that fails to start is named, with the path of its log."""

import sys

import pytest

from hub.devstack import Service, ServiceFailed, settings_env
from hub.settings import Settings


def test_a_service_that_exits_is_reported_with_its_name_and_log(tmp_path):
    log = tmp_path / "broken.log"
    service = Service(
        name="broken",
        argv=[sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"],
        log_path=log,
        health_url="http://127.0.0.1:9/never",
        timeout_s=20,
    )
    service.start()
    with pytest.raises(ServiceFailed) as failed:
        service.wait_ready()
    assert "broken" in str(failed.value) and str(log) in str(failed.value)
    assert "code 3" in str(failed.value)
    assert "boom" in log.read_text()


def test_a_service_that_never_answers_times_out_with_its_log(tmp_path):
    log = tmp_path / "silent.log"
    service = Service(
        name="silent",
        argv=[sys.executable, "-c", "import time; time.sleep(30)"],
        log_path=log,
        health_url="http://127.0.0.1:9/never",
        timeout_s=1.5,
    )
    service.start()
    try:
        with pytest.raises(ServiceFailed, match="silent not ready"):
            service.wait_ready()
    finally:
        service.stop()
    assert service.process is not None and service.process.poll() is not None


def test_child_processes_read_the_same_settings(monkeypatch):
    settings = Settings(data_dir="/tmp/x", hub={"port": 18000}, temporal={"ui_port": 18233})
    for name, value in settings_env(settings).items():
        monkeypatch.setenv(name, value)
    again = Settings()
    assert again.hub.port == 18000 and again.temporal.ui_port == 18233
    assert again.crypto == settings.crypto and str(again.data_dir) == "/tmp/x"


def test_a_port_already_in_use_is_refused_before_starting(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        service = Service(
            name="hub",
            argv=[sys.executable, "-c", "pass"],
            log_path=tmp_path / "hub.log",
            health_url=f"http://127.0.0.1:{port}/",
            listens=[("127.0.0.1", port)],
        )
        with pytest.raises(ServiceFailed, match=f"hub: 127.0.0.1:{port} is already in use"):
            service.start()
    assert service.process is None
