import pytest


def pytest_collection_modifyitems(items):
    # Only pytest knows this one: the static read cannot see what a hook adds.
    for item in items:
        if item.name == "test_gets_a_marker_from_the_hook":
            item.add_marker(pytest.mark.hook_added)
