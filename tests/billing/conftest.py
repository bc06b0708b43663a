import pytest

from tests.marketplace.factories import ContractFactory


@pytest.fixture(autouse=True)
def _manual_gateway(settings):
    settings.BILLING_GATEWAY = "manual"
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture
def other_contract(other_org):
    """Globex's contract with its own freelancer."""
    return ContractFactory(organization=other_org, freelancer__user__email="fay@freelance.test")


# ---------------------------------------------------------------- localstripe, a real local Stripe server
@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory):
    """``localstripe`` started once per test process on a free port; each test wipes it (see ``stripe_on``)."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tmp_path_factory.mktemp("localstripe")
    exe = Path(sys.executable).with_name("localstripe")
    log = open(workdir / "localstripe.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen([str(exe), "--port", str(port), "--from-scratch"], cwd=workdir, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(urllib.request.Request(f"{url}/_config/data", method="DELETE"), timeout=1)  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"localstripe did not start; see {log.name}") from None
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture
def stripe_on(settings, localstripe_url):
    """Stripe gateway against a freshly wiped localstripe."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{localstripe_url}/_config/data", method="DELETE"))  # noqa: S310
    settings.BILLING_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_shiftdesk"
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_shiftdesk"
    from billing.gateways.stripe import StripeGateway

    return StripeGateway.from_settings()
