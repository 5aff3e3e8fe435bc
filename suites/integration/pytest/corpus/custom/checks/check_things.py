class SuiteOfThings:
    def check_one(self):
        pass

    def should_two(self):
        pass

    def test_not_by_these_rules(self):
        pass


class DatabaseCheck:
    def check_db(self):
        pass


class TestIgnoredHere:
    def check_x(self):
        pass


def check_module_level():
    pass


def test_module_level_ignored():
    pass
