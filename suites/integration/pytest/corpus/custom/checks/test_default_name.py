def check_never_collected():
    pass
