"""Task queue names, in one place."""

ORCHESTRATION = "hub-orchestration"


def connector_queue(connector_id: str) -> str:
    """Each connector has its own queue, so robot workers can be scaled per target system."""
    return f"connector-{connector_id}"
