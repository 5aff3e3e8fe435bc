import pytest


@pytest.mark.parametrize("n", [1, 2])
def should_work(n):
    pass
