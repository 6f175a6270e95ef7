"""Django's simplest widget templates, written in Python, for forms on busy pages (issue 16).

In Django's templates one ``<option>`` is two includes (``select_option.html`` and
``attrs.html``), one checkbox four; the trainer's packet page draws an exercise picker of the
whole library and five lists of checkboxes, a few hundred includes on every request. The
functions below return the same HTML as those templates, byte for byte (``core/tests`` renders
both and compares), at a fraction of the cost. A template not listed here is left to Django.

A form opts in with ``default_renderer = PYTHON_WIDGETS``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape

Widget = dict[str, Any]
_PREFIX = "django/forms/widgets/"
# The templates that are nothing but ``{% include "django/forms/widgets/input.html" %}``.
_INPUTS = [
    "text",
    "number",
    "hidden",
    "date",
    "email",
    "url",
    "password",
    "search",
    "tel",
    "checkbox",
]


def _text(value: Any) -> str:
    """``{{ value }}`` in an autoescaping template."""
    if type(value) is str:  # most of them: Django's escape, without its lazy-aware wrapper
        return html.escape(value)
    return str(conditional_escape(localize(value)))


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: never localized."""
    return html.escape(value) if type(value) is str else str(conditional_escape(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """attrs.html: ``True`` writes the bare name, ``False`` leaves the attribute out."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: Widget) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>\n"
    )


def _input_option(widget: Widget) -> str:
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    element_id = widget["attrs"].get("id")
    label_for = f' for="{_text(element_id)}"' if element_id else ""
    return f"<label{label_for}>{_input(widget)} {_text(widget['label'])}</label>\n"


def _textarea(widget: Widget) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    start = f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>'
    return f"{start}\n{value}</textarea>\n"


def _select_option(widget: Widget) -> str:
    return (
        f'<option value="{_formatted(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_text(widget['label'])}</option>\n"
    )


class PythonWidgetRenderer(DjangoTemplates):
    """Django's template renderer, with the common widget templates done in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in self._written:
            return self._part(template_name, context["widget"]).strip()
        return super().render(template_name, context, request)

    def _part(self, template_name: str, widget: Widget) -> str:
        """One template's output before Django strips it: what an include of it writes."""
        write = self._written.get(template_name)
        if write is None:
            return self.get_template(template_name).render({"widget": widget})
        return write(self, widget)

    def _select(self, widget: Widget) -> str:
        html = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{_text(group_name)}">')
            html.extend(f"\n  {self._part(o['template_name'], o)}" for o in options)
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>\n")
        return "".join(html)

    def _multiple_input(self, widget: Widget) -> str:
        element_id, css = widget["attrs"].get("id"), widget["attrs"].get("class")
        html = [
            "<div",
            f' id="{_text(element_id)}"' if element_id else "",
            f' class="{_text(css)}"' if css else "",
            ">",
        ]
        for group, options, _index in widget["optgroups"]:
            if group:
                html.append(f"\n  <div><label>{_text(group)}</label>")
            html.extend(f"<div>\n    {self._part(o['template_name'], o)}</div>" for o in options)
            if group:
                html.append("\n  </div>")
        html.append("\n</div>\n")
        return "".join(html)

    _written: dict[str, Callable[[PythonWidgetRenderer, Widget], str]] = {
        f"{_PREFIX}input.html": lambda self, w: _input(w),
        **{f"{_PREFIX}{name}.html": lambda self, w: _input(w) + "\n" for name in _INPUTS},
        f"{_PREFIX}textarea.html": lambda self, w: _textarea(w),
        f"{_PREFIX}select.html": _select,
        f"{_PREFIX}select_option.html": lambda self, w: _select_option(w),
        f"{_PREFIX}input_option.html": lambda self, w: _input_option(w),
        f"{_PREFIX}checkbox_option.html": lambda self, w: _input_option(w) + "\n",
        f"{_PREFIX}radio_option.html": lambda self, w: _input_option(w) + "\n",
        f"{_PREFIX}multiple_input.html": _multiple_input,
        f"{_PREFIX}checkbox_select.html": lambda self, w: self._multiple_input(w) + "\n",
        f"{_PREFIX}radio.html": lambda self, w: self._multiple_input(w) + "\n",
    }


# One instance for every form that uses it: each renderer builds its own template engine.
PYTHON_WIDGETS = PythonWidgetRenderer()
