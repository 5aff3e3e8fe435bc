import unittest
from unittest import TestCase


class Cases(unittest.TestCase):
    def setUp(self):
        self.x = 1

    def test_zeta(self):
        pass

    def test_alpha(self):
        pass

    def testNoUnderscore(self):
        pass

    def helper(self):
        pass


class MoreCases(Cases):
    def test_beta(self):
        pass


class HiddenBase(TestCase):
    __test__ = False

    def test_hidden(self):
        pass


class AsyncCases(unittest.IsolatedAsyncioTestCase):
    async def test_async_case(self):
        pass


class TestNotUnittest:
    def test_regular(self):
        pass
