"""Classes, nesting, decorators and the things pytest skips.

def test_in_docstring():
    pass

class TestInDocstring:
    def test_nope(self): ...
"""
import functools

import pytest


def wrapped(fn):
    @functools.wraps(fn)
    def inner(*args, **kwargs):
        return fn(*args, **kwargs)

    return inner


def test_plain():
    text = """
def test_inside_string():
    pass
"""
    assert text


@wrapped
@pytest.mark.slow
def test_decorated():
    pass


@pytest.mark.skipif(
    False,
    reason="a decorator over (several) lines: def test_fake(): ]",
)
def test_multiline_decorator():
    pass


async def test_async():
    pass


@pytest.fixture
def test_looks_like_a_test_but_is_a_fixture():
    return 1


def helper_not_collected():
    def test_nested_function():
        pass


def test_redefined():
    assert False


class TestOuter:
    def test_a(self):
        pass

    class TestInner:
        def test_b(self):
            pass

        class TestDeepest:
            async def test_c(self):
                pass

    class NotMatching:
        def test_never(self):
            pass

    @staticmethod
    def test_static():
        pass

    def helper(self):
        pass


class TestWithInit:
    def __init__(self):
        pass

    def test_not_collected(self):
        pass


class TestDisabled:
    __test__ = False

    def test_not_collected(self):
        pass


class TestBase:
    def test_base_one(self):
        pass

    def test_overridden(self):
        pass


class TestDerived(TestBase):
    def test_overridden(self):
        pass

    def test_derived_own(self):
        pass


class TestEmpty:
    pass


if True:
    def test_inside_if():
        pass


def test_redefined():  # noqa: F811 - the later one is the one pytest sees
    pass


class TestOneLiner: test_x = None; x = 1  # noqa: E701,E702


def test_trailing(): pass  # noqa: E704
