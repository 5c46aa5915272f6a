"""Region form fields: only the right level inside the user's area; a dropdown when that is short, a
Kemendagri code input when it is long (a province, the country), checked either way."""

from __future__ import annotations

import pytest
from django import forms

from askesos.regions import codes
from askesos.regions.fields import KelurahanField, RegionField
from askesos.regions.models import Region

pytestmark = pytest.mark.django_db

EAST_JAKARTA = codes.subtree_range(codes.code_to_key("31.75"), codes.LEVEL_CITY)
JATINEGARA = codes.subtree_range(codes.code_to_key("31.75.03"), codes.LEVEL_DISTRICT)


class KelurahanForm(forms.Form):
    def __init__(self, *args, ranges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"] = KelurahanField(ranges=ranges, label="Kelurahan")


def villages(prefix: str) -> list[Region]:
    return list(Region.objects.filter(code__startswith=prefix, level=codes.LEVEL_VILLAGE).order_by("id"))


def test_a_small_area_is_a_dropdown_of_its_kelurahan_grouped_by_kecamatan():
    field = KelurahanField(ranges=[EAST_JAKARTA])
    assert isinstance(field.widget, forms.Select)
    choices = list(field.widget.choices)
    groups = dict(choices[1:])
    assert choices[0] == ("", "—")
    assert sorted(groups) == sorted(
        f"Kec. {name}"
        for name in Region.objects.filter(code__startswith="31.75.", level=codes.LEVEL_DISTRICT).values_list(
            "name", flat=True
        )
    )
    options = [value for group in groups.values() for value, _label in group]
    assert options == [str(r.pk) for r in villages("31.75.")]
    assert ("3175031001", "Kampung Melayu (31.75.03.1001)") in groups["Kec. Jatinegara"]


def test_a_large_area_is_a_code_input_not_thousands_of_options():
    assert Region.objects.filter(level=codes.LEVEL_VILLAGE).count() > KelurahanField.max_choices
    field = KelurahanField(ranges=None, label="Kelurahan")
    assert isinstance(field.widget, forms.TextInput)
    html = str(KelurahanForm(ranges=None)["kelurahan"])
    assert "<option" not in html
    assert 'inputmode="numeric"' in html
    assert 'placeholder="31.75.03.1001"' in html
    assert field.help_text == "Kemendagri kelurahan code, e.g. 31.75.03.1001 (dots optional)."


@pytest.mark.parametrize("raw", ["31.75.03.1001", "3175031001", " 31 75 03 1001 ", "31,75,03,1001"])
@pytest.mark.parametrize("ranges", [None, [EAST_JAKARTA], [JATINEGARA]])
def test_it_takes_the_code_dotted_or_not_in_both_shapes(raw, ranges):
    form = KelurahanForm({"kelurahan": raw}, ranges=ranges)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["kelurahan"] == Region.objects.get(code="31.75.03.1001")


@pytest.mark.parametrize(
    ("raw", "ranges", "message"),
    [
        ("", None, "This field is required."),
        (
            "Bali Mester",
            None,
            "Enter a kelurahan code of 10 digits, e.g. 31.75.03.1001 (the dots are optional).",
        ),
        (
            "31.75.3.1001",
            None,
            "Enter a kelurahan code of 10 digits, e.g. 31.75.03.1001 (the dots are optional).",
        ),
        (
            "31.75.03",
            None,
            "31.75.03 is a kecamatan code, not a kelurahan: enter all 10 digits, e.g. 31.75.03.1001.",
        ),
        (
            "3175",
            None,
            "31.75 is a city / regency code, not a kelurahan: enter all 10 digits, e.g. 31.75.03.1001.",
        ),
        ("31.75.03.9999", None, "There is no kelurahan with the Kemendagri code 31.75.03.9999."),
        ("3173011001", [EAST_JAKARTA], "Cengkareng Barat (31.73.01.1001) is outside your area."),
        ("31.75.06.1001", [JATINEGARA], "Jatinegara (31.75.06.1001) is outside your area."),
        ("31.75.03.1001", [], "Kampung Melayu (31.75.03.1001) is outside your area."),
    ],
)
def test_it_says_what_is_wrong_with_a_code(raw, ranges, message):
    form = KelurahanForm({"kelurahan": raw}, ranges=ranges)
    assert form.errors == {"kelurahan": [message]}


def test_it_shows_an_existing_kelurahan_in_the_shape_of_the_widget():
    kampung_melayu = Region.objects.get(code="31.75.03.1001")
    as_select = KelurahanForm(ranges=[EAST_JAKARTA], initial={"kelurahan": kampung_melayu.pk})
    assert '<option value="3175031001" selected>' in str(as_select["kelurahan"])
    as_code = KelurahanForm(ranges=None, initial={"kelurahan": kampung_melayu.pk})
    assert 'value="31.75.03.1001"' in str(as_code["kelurahan"])


def test_a_region_field_takes_a_city_kecamatan_or_kelurahan_of_the_area():
    field = RegionField(ranges=[EAST_JAKARTA])
    values = [value for value, _label in field.widget.choices[1:]]
    inside = Region.objects.filter(
        pk__gte=EAST_JAKARTA[0], pk__lt=EAST_JAKARTA[1], level__gte=codes.LEVEL_CITY
    ).order_by("id")
    assert values == [r.code.replace(".", "") for r in inside]
    assert values[:2] == ["3175", "317501"]
    for raw, code in [("3175", "31.75"), ("31.75.03", "31.75.03"), ("3175031001", "31.75.03.1001")]:
        assert field.clean(raw) == Region.objects.get(code=code)
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("31")
    assert refused.value.messages == [
        "31 is a province code; enter the code of a city, kecamatan or kelurahan."
    ]
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("31.73")
    assert refused.value.messages == ["Kota Administrasi Jakarta Barat (31.73) is outside your area."]
