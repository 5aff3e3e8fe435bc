def check_outside_testpaths():
    pass
