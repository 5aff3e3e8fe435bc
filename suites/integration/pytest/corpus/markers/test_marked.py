"""Markers in every place pytest reads them from; the static read must find the same ones."""
import sys

import pytest
from pytest import mark as m

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="no, not there")
def test_decorated():
    pass


@m.knative
@pytest.mark.parametrize("size", ["s", pytest.param("l", marks=pytest.mark.case_only)])
def test_cases(size):
    pass


@pytest.mark.usefixtures("tmp_path")
def test_gets_a_marker_from_the_hook():
    pass


@pytest.mark.from_base
class Base:
    def test_inherited(self):
        pass


@pytest.mark.outer
class TestOuter(Base):
    pytestmark = pytest.mark.victoria_metrics

    @pytest.mark.xfail(reason="pynode restarts")
    def test_own(self):
        assert False

    class TestInner:
        pytestmark = [
            pytest.mark.inner,
            pytest.mark.kube_events,
        ]

        def test_deep(self):
            pass
