def test_in_conftest_is_never_collected():
    pass
