"""The one refusal helper: messages go next to their fields, a NotFound stays a 404 (by type)."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from exchange.errors import Forbidden, Invalid, NotFound
from exchange.web.refusals import flash_refusal, show_refusal


class _Form(FlaskForm):
    name = StringField()


class _Several(Invalid):
    @property
    def details(self):
        return [("first", "name"), ("second", None)]


def test_each_message_goes_next_to_its_field_or_above_the_form(app):
    with app.test_request_context("/", method="POST"):
        form = _Form()
        form.validate()
        show_refusal(form, _Several())
        assert form.name.errors == ["first"] and form.form_errors == ["second"]


def test_a_not_found_is_raised_again_whatever_the_helper(app):
    with app.test_request_context("/", method="POST"):
        form = _Form()
        with pytest.raises(NotFound):
            show_refusal(form, NotFound())
        with pytest.raises(NotFound):
            flash_refusal(NotFound())
        flash_refusal(Forbidden("nope"))
        assert get_flashed_messages(with_categories=True) == [("error", "nope")]
