"""The widgets written in Python give Django's templates' HTML, byte for byte."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from core.widgets import PYTHON_WIDGETS

TRICKY = 'Tom & "Jerry" <b>'


class EveryWidget(forms.Form):
    text = forms.CharField(max_length=20, help_text="Some help")
    optional = forms.CharField(required=False)
    number = forms.IntegerField(min_value=1)
    amount = forms.DecimalField(max_digits=5, decimal_places=2, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    agree = forms.BooleanField(required=False)
    pick = forms.ChoiceField(choices=[("", "—"), ("a", "Apple"), ("b", TRICKY)])
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("a", "Apple"), ("p", "Pear")]), ("Nuts", [("w", "Walnut")])],
        required=False,
    )
    several = forms.MultipleChoiceField(
        choices=[("x", "Ex"), ("y", TRICKY)], required=False, widget=forms.SelectMultiple
    )
    boxes = forms.MultipleChoiceField(
        choices=[("x", "Ex"), ("y", TRICKY), ("z", "Zed")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "boxes"}),
    )
    grouped_boxes = forms.MultipleChoiceField(
        choices=[("One", [("1", "Uno")]), ("Two", [("2", "Dos")])],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    radio = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect)


GOOD = {
    "text": TRICKY[:20],
    "number": "3",
    "amount": "2.50",
    "hidden": TRICKY,
    "day": "2025-03-01",
    "notes": f"line one\n{TRICKY}",
    "agree": "on",
    "pick": "b",
    "grouped": "p",
    "several": ["x", "y"],
    "boxes": ["y", "z"],
    "radio": "g",
}
BAD = {"number": "0", "email": "not an email", "pick": "nope", "boxes": ["q"], "day": "soon"}
INITIAL = {"day": datetime.date(2025, 3, 1), "amount": Decimal("1.5"), "number": 3}


def rendered(form: forms.Form) -> list[str]:
    html = []
    for field in form:
        html.append(str(field))
        if field.widget_type in ("checkboxselectmultiple", "radioselect"):
            html.extend(part for choice in field for part in (choice.tag(), str(choice)))
    return html


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"initial": INITIAL}, {"data": GOOD}, {"data": BAD}, {"data": GOOD, "prefix": "p"}],
    ids=["unbound", "initial", "valid", "invalid", "prefixed"],
)
def test_python_widgets_write_what_djangos_templates_write(kwargs):
    django_form = EveryWidget(renderer=DjangoTemplates(), **kwargs)
    python_form = EveryWidget(renderer=PYTHON_WIDGETS, **kwargs)

    assert rendered(python_form) == rendered(django_form)
