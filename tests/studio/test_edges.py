"""The studio view's choices are one list everywhere: roles and statuses at every edge."""

from __future__ import annotations

from typing import get_args

from showclear.api.routes.studio import StatusFilter
from showclear.cli.studio import Status, StudioRoleChoice
from showclear.protocol.catalogue.studio import STUDIO_ROLES, StudioRole
from showclear.service.studio import STATUSES


def test_the_roles_are_the_catalogues_at_the_cli() -> None:
    """--role offers exactly the roles a StudioAccessGranted may name."""
    assert tuple(get_args(StudioRole)) == STUDIO_ROLES
    assert tuple(choice.value for choice in StudioRoleChoice) == STUDIO_ROLES


def test_the_statuses_are_the_services_at_the_cli_and_the_api() -> None:
    """--status and ?status= offer exactly the statuses the view assigns."""
    assert tuple(get_args(StatusFilter)) == STATUSES
    assert tuple(choice.value for choice in Status) == STATUSES
