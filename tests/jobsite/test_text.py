import pytest

from jobsite.text import fold


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("München", "munchen"),
        ("  São   Paulo ", "sao paulo"),
        ("Boston, MA", "boston ma"),
        ("PART-TIME", "part time"),
        ("Straße", "strasse"),
        ("Zürich_HQ", "zurich hq"),
        ("", ""),
    ],
)
def test_two_spellings_of_one_name_fold_to_the_same_text(typed, folded):
    assert fold(typed) == folded
