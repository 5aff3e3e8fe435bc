def test_not_a_test_module():
    pass
