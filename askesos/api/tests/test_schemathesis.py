"""Property-based run of every API operation (schemathesis, in-process WSGI): no 5xx, ever.

Calls the real Django WSGI application with a national user's token, a bounded number of
generated examples per operation, inside the test's database transaction.
"""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

EXAMPLES_PER_OPERATION = 25


def _schema() -> Any:
    from django.core.wsgi import get_wsgi_application

    from askesos.api.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


@pytest.fixture
def admin_token(db, kemensos_admin, lpa_jt01, token_for, settings):
    """A national user's token. Like Django's test client, keep the WSGI handler from closing the
    test's database connection at the end of each request (PostgreSQL would lose the transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.ASKESOS_API_RATE = "100000/m"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield token_for(kemensos_admin)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_answers_a_server_error(case: Any, admin_token: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {admin_token}"})
    case.validate_response(response, checks=[not_a_server_error])
