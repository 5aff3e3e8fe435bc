import pytest

CONSTANT = [1, 2]


@pytest.mark.parametrize("size", ["small", "medium", "large"], ids=["s", "m", "l"])
def test_ids(size):
    pass


@pytest.mark.parametrize("a,b", [(1, 2), (3, 4)])
def test_tuples(a, b):
    pass


@pytest.mark.parametrize(("x", "y"), [[0.5, -1], [1e20, 2.0], [1e-5, 0]])
def test_floats(x, y):
    pass


@pytest.mark.parametrize("x", [0, 1])
@pytest.mark.parametrize("y", ["a", "b"])
def test_stacked(x, y):
    pass


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        "with space",
        "tab\there",
        "ünïcode",
        "emoji 🎉",
        b"bytes",
        -7,
        0x1F,
        1_000,
        [1, 2],
        (3,),
        "dup",
        "dup",
    ],
)
def test_values(value):
    pass


@pytest.mark.parametrize(
    "n, word",
    [
        pytest.param(1, "one", id="first"),
        pytest.param(2, "two", marks=pytest.mark.slow),
        (3, "three"),
    ],
    ids=[None, "second", None],
)
def test_param_objects(n, word):  # a comment with ) and ]
    pass


@pytest.mark.parametrize("v", [], ids=[])
def test_empty(v):
    pass


@pytest.mark.parametrize("v", range(3))
def test_unknown_values(v):
    pass


@pytest.mark.parametrize("v", CONSTANT)
def test_named_values(v):
    pass


@pytest.mark.parametrize("v", [1, 2], ids=str)
def test_id_function(v):
    pass


@pytest.mark.parametrize("flag", [True, False])
class TestClassParams:
    @pytest.mark.parametrize("n", [1, 2])
    def test_both(self, flag, n):
        pass

    def test_class_only(self, flag):
        pass


@pytest.mark.parametrize('quote', ['it\'s', "say \"hi\"", r'raw\d', 'a' 'b'])
def test_quotes(quote):
    pass
