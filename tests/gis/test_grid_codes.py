import pytest

from gis.codes import code_problem, is_grid_code, is_street_code, make_grid_code, street_code_of


def test_fourteen_ascii_digits_is_a_grid_code():
    assert is_grid_code("21040400101007")


@pytest.mark.parametrize(
    "value", ["2104040010100", "210404001010070", "2104040010100x", 21040400101007, None]
)
def test_wrong_length_letters_or_int_is_not_a_grid_code(value):
    assert not is_grid_code(value)


def test_full_width_digits_are_not_a_grid_code():
    assert not is_grid_code("２１０４０４００１０１００７")


def test_nine_digits_is_a_street_code():
    assert is_street_code("210404001")
    assert not is_street_code("21040400")


def test_street_code_is_the_first_nine_digits():
    assert street_code_of("21040400101007") == "210404001"


def test_street_code_of_rejects_a_malformed_grid_code():
    with pytest.raises(ValueError):
        street_code_of("123")


def test_make_grid_code_pads_community_and_sequence():
    assert make_grid_code("210404001", 1, 7) == "21040400101007"
    assert make_grid_code("210404001", "01", "007") == "21040400101007"


@pytest.mark.parametrize(("community", "seq"), [(0, 1), (100, 1), (1, 0), (1, 1000), ("a", 1)])
def test_make_grid_code_rejects_out_of_range_parts(community, seq):
    with pytest.raises(ValueError):
        make_grid_code("210404001", community, seq)


def test_code_problem_names_level_code_and_length():
    assert code_problem("123", "grid") == "grid code '123' must be 14 digits"
    assert code_problem("1234", "street") == "street code '1234' must be 9 digits"


def test_code_problem_reports_missing_code():
    assert code_problem(None, "grid") == "grid code is missing"
    assert code_problem("  ", "street") == "street code is missing"


def test_code_problem_rejects_non_string_code():
    assert code_problem(210404001, "street") == "street code 210404001 must be a string of 9 digits"


def test_valid_codes_have_no_problem():
    assert code_problem("21040400101007", "grid") is None
    assert code_problem("210404001", "street") is None
