import pytest
from tests_support import headless_chromium, live_server_process


@pytest.fixture(scope="module")
def live_server(tiny_checkpoint):
    """The real server (`stance serve`, uvicorn) on 127.0.0.1 and a free port, in its own process."""
    try:
        with live_server_process({"STANCE_CHECKPOINT": str(tiny_checkpoint)}) as (url, _):
            yield url
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture
def browser():
    """Headless chromium (tests_support.headless_chromium); tests using it are marked needs_browser."""
    with headless_chromium() as driver:
        yield driver
