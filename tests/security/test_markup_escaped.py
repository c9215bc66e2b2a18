"""Markup sent through every query parameter and every form field of every page comes back
escaped, for every role (issue 23: seven filters of /pasar were echoed as live markup).

The routes come from the app's url_map, the query parameters from the code that reads them and
the GET forms of the pages, the forms from the pages each role is shown. A marker left as live
markup anywhere (the answer, the page a form redirects to, any page afterwards) fails.
"""

from __future__ import annotations

import re

import pytest
from flask_babel import lazy_gettext
from markupsafe import escape

from tests.factories import make_staff
from tests.security.crawl import (
    forms_of,
    get_paths,
    marked_form,
    marker,
    query_names,
    raw_markers,
    route_ids,
    world_with_everything,
)
from tests.security.world import signed_in
from tests.share import share_of, shared_out

ROLES = ("visitor", "outsider", "seller", "buyer", "staff", "admin")
COUNTS: dict[str, int] = {}


@pytest.fixture
def world(app):
    with app.app_context():
        return world_with_everything(app)


def _email(world, role):
    return None if role == "visitor" else getattr(world, role)


def _try_sign_in(app, email):
    try:
        return signed_in(app, email)
    except AssertionError:
        return None


def _get(client, path, **kw):
    response = client.get(path, follow_redirects=True, **kw)
    response.get_data()  # finish streamed answers inside their context
    return response


def test_the_market_filters_come_back_escaped_for_a_visitor(app, world):
    client = signed_in(app, None)
    for name in ("price_min", "price_max", "from", "to", "km", "commodity", "regency"):
        response = client.get("/pasar", query_string={name: '<a href="//example.org">'})
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert '<a href="//example.org">' not in body, name
        assert "&lt;a href=&#34;//example.org&#34;&gt;" in body, name


def test_a_lazy_message_with_a_value_is_escaped(app):
    with app.test_request_context("/"):
        message = lazy_gettext("Saringan “%(value)s” tidak terbaca.", value="<b>")
        assert str(escape(message)) == "Saringan “&lt;b&gt;” tidak terbaca."


def test_no_message_of_the_catalogue_holds_markup():
    """Lazy messages are escaped whole: that is right only while none of them is markup."""
    from tests.security.crawl import ROOT

    catalogue = (ROOT / "exchange/translations/en/LC_MESSAGES/messages.po").read_text()
    markup = re.compile(r"</?(a|b|i|em|strong|br|p|span|code|small|abbr|ul|ol|li)\b|&[a-z]+;|&#")
    assert [line for line in catalogue.splitlines() if markup.search(line)] == []


@pytest.mark.slow
def test_every_query_parameter_of_every_page_comes_back_escaped(app, world):
    paths = shared_out(get_paths(app, route_ids(world)))
    names = query_names(app)
    everything = {name: marker(name) for name in names}
    leaks, requests = [], 0
    for role in ROLES:
        client = signed_in(app, _email(world, role))
        get_forms = {}
        for path in paths:
            response = _get(client, path, query_string=everything)
            requests += 1
            leaks += [(role, path, n) for n in raw_markers(response)]
            for form in forms_of(path, _get(client, path)):
                if form.method == "get":
                    get_forms.setdefault((form.action, tuple(form.fields)), form)
        # each field of each GET form alone (a page may stop at the first bad value)
        for form in get_forms.values():
            for name in form.fields:
                response = _get(client, form.action, query_string={name: marker(name)})
                requests += 1
                leaks += [(role, form.action, n) for n in raw_markers(response)]
    COUNTS["query"] = requests
    print(
        f"\nmarkup through query parameters: {requests} requests, {len(names)} names, "
        f"{len(leaks)} unescaped"
    )
    assert leaks == []


@pytest.mark.slow
def test_every_form_field_of_every_page_comes_back_escaped(app, world):
    paths = shared_out(get_paths(app, route_ids(world)))
    leaks, posts = [], 0
    for role in ROLES:
        email = _email(world, role)
        client = signed_in(app, email)
        forms = {}
        for path in paths:
            for form in forms_of(path, _get(client, path)):
                if form.method == "post":
                    forms.setdefault((form.action, tuple(sorted(form.fields))), form)
        # forms that end the session or the account's data go last
        last = ("keluar", "hapus", "laksanakan", "nonaktif", "sandi")
        for form in sorted(
            forms.values(), key=lambda f: (any(w in f.action for w in last), f.action)
        ):
            client = signed_in(app, email)  # a fresh session: an earlier form may have ended it
            response = client.post(form.action, data=marked_form(form), follow_redirects=True)
            response.get_data()
            posts += 1
            leaks += [(role, "POST " + form.action, n) for n in raw_markers(response)]
    # what the forms stored shows escaped on every page afterwards
    walked = []
    for role in ROLES:
        client = _try_sign_in(app, _email(world, role))
        if client is None and role == "staff":  # the admin's form deactivated the account
            with app.app_context():
                client = signed_in(app, make_staff().email)
        if client is None:
            continue  # staff carried out this manager's deletion request: the account is gone
        walked.append(role)
        for path in paths:
            leaks += [(role, path, n) for n in raw_markers(_get(client, path))]
    COUNTS["forms"] = posts
    print(f"\nmarkup through form fields: {posts} forms posted, {len(leaks)} unescaped")
    print(f"pages walked afterwards as {walked}")
    assert posts > share_of(40)
    assert {"visitor", "buyer", "staff", "admin"} <= set(walked)
    assert leaks == []
