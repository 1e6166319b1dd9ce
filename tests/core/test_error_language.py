"""`detail` follows `Accept-Language` (zh-Hans or English, English by default); `code` never
changes. Every code the API can emit, found in the code itself, has a Chinese message."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

from backend.core import middleware
from backend.incidents import models, workflow
from tests.conftest import PASSWORD, ApiClient, sign_in

BACKEND = Path(__file__).resolve().parents[2] / "backend"
CATALOGUE = BACKEND / "locale" / "zh_Hans" / "LC_MESSAGES"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}
# Open311 answers in the GeoReport specification's own words, outside /api/v1/.
NOT_THE_API = ("open311", "migrations")
TRANSLATORS = {"_", "gettext", "gettext_lazy", "gettext_noop"}


def register(body: dict, **headers):
    return ApiClient().post("/auth/register", body, **headers)


def test_detail_follows_accept_language_and_code_does_not(resident):
    taken = {"username": "resident", "password": PASSWORD}

    english = register(taken)
    chinese = register(taken, **ZH)

    assert english.status_code == chinese.status_code == 409
    assert english.json() == {"detail": "That username is taken.", "code": "username_taken"}
    assert chinese.json() == {"detail": "该用户名已被占用。", "code": "username_taken"}
    assert chinese["Content-Language"] == "zh-hans"


def test_a_too_short_username_is_explained_in_chinese(db):
    response = register({"username": "张三", "password": PASSWORD}, **ZH)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == [{"field": "username", "message": "至少需要 3 个字符"}]
    assert response.json()["detail"] == "username: 至少需要 3 个字符"


def test_djangos_password_rules_speak_chinese_too(db):
    response = register({"username": "zhangsan", "password": "password"}, **ZH)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"
    assert CHINESE.search(response.json()["detail"])


def test_our_own_validators_speak_chinese_too(resident):
    client = sign_in(resident)
    body = {
        "client_id": "8d0c0f5e-1c1b-4bd5-9d3c-5a0f8a6b2a11",
        "category": "other",
        "title": "   ",
        "lon": 123.805,
        "lat": 41.805,
    }

    response = client.post("/incidents", body, **ZH)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "title", "message": "不能为空"}]


def test_a_choice_of_values_is_offered_in_chinese(resident):
    body = {
        "client_id": "8d0c0f5e-1c1b-4bd5-9d3c-5a0f8a6b2a12",
        "category": "nope",
        "title": "路灯不亮",
        "lon": 123.805,
        "lat": 41.805,
    }

    chinese = sign_in(resident).post("/incidents", body, **ZH)
    english = sign_in(resident).post("/incidents", body)

    assert chinese.json()["errors"] == [
        {"field": "category", "message": "应为 'safety', 'petition', 'housing' 或 'other'"}
    ]
    assert english.json()["errors"] == [
        {
            "field": "category",
            "message": "Input should be 'safety', 'petition', 'housing' or 'other'",
        }
    ]


def test_a_move_the_case_does_not_allow_is_named_in_words(resident, supervisor):
    reporter = sign_in(resident)
    body = {
        "client_id": "8d0c0f5e-1c1b-4bd5-9d3c-5a0f8a6b2a13",
        "category": "other",
        "title": "路灯不亮",
        "lon": 123.805,
        "lat": 41.805,
    }
    incident = reporter.post("/incidents", body).json()
    as_supervisor = sign_in(supervisor)
    path = f"/incidents/{incident['id']}/actions"
    assert as_supervisor.post(path, {"action": "reject", "note": "重复上报"}).status_code == 200

    chinese = as_supervisor.post(path, {"action": "accept"}, **ZH)
    english = as_supervisor.post(path, {"action": "accept"})

    assert chinese.json() == {
        "detail": "事件处于「不予立案」状态，不能执行「受理立案」。",
        "code": "illegal_transition",
    }
    assert english.json()["detail"] == "Cannot accept a case that is rejected."


def test_a_field_of_another_category_names_that_category_in_words(resident):
    body = {
        "client_id": "8d0c0f5e-1c1b-4bd5-9d3c-5a0f8a6b2a14",
        "category": "other",
        "severity": "major",
        "title": "路灯不亮",
        "lon": 123.805,
        "lat": 41.805,
    }

    response = sign_in(resident).post("/incidents", body, **ZH)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "severity", "message": "severity 仅适用于「安全隐患」类事件。"}
    ]


def test_every_action_status_and_category_has_its_chinese_word():
    codes = [*workflow.ACTIONS, *models.Status.values, *models.CategoryCode.values]

    with translation.override("zh-hans"):
        words = {code: workflow.word(code) for code in codes}

    assert all(CHINESE.search(text) for text in words.values()), words
    assert words["verify"] == "核查结案" and words["in_progress"] == "处置中"


@pytest.mark.parametrize(
    ("header", "chinese"),
    [
        ("", False),
        ("zh-Hans", True),
        ("zh-CN,zh;q=0.9,en;q=0.8", True),
        ("zh", True),
        ("en-US,en;q=0.9", False),
        ("fr-FR, de;q=0.5", False),
        ("en;q=0.9, zh-Hans;q=0.8", False),
        ("*", False),
    ],
)
def test_the_language_is_the_first_of_accept_language_we_speak_else_english(db, header, chinese):
    response = ApiClient().get("/auth/me", HTTP_ACCEPT_LANGUAGE=header)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert bool(CHINESE.search(response.json()["detail"])) is chinese


@pytest.mark.parametrize(
    ("send", "code"),
    [
        (lambda c: c.get("/no-such-thing", **ZH), "not_found"),
        (lambda c: c.get("/auth/token", **ZH), "method_not_allowed"),
        (lambda c: c.get("/auth/me", HTTP_AUTHORIZATION="Bearer forged", **ZH), "invalid_token"),
        (lambda c: c.get("/auth/me", **ZH), "not_authenticated"),
        (
            lambda c: c.post("/auth/token", {"username": "x", "password": "y"}, **ZH),
            "bad_credentials",
        ),
        (
            lambda c: c.generic("POST", "/api/v1/auth/token", b"{no", "application/json", **ZH),
            "http_error",
        ),
        (lambda c: c.get("/grids?street=a%00b", **ZH), "invalid"),
        (lambda c: c.get("/incidents/1", **ZH), "not_authenticated"),
    ],
)
def test_errors_answered_around_the_routes_speak_chinese(db, send, code):
    response = send(ApiClient())

    assert response.json()["code"] == code
    assert CHINESE.search(response.json()["detail"]), response.json()


# The walk: every error the backend raises, and every code it can carry, read from the source.


def _modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text()))
        for path in sorted(BACKEND.rglob("*.py"))
        if not set(NOT_THE_API) & set(path.relative_to(BACKEND).parts)
    ]


def _error_classes(modules) -> dict[str, str]:
    """Every class of the error family, by name, with its default code."""
    found = {"GridgovError": "bad_request"}
    changed = True
    while changed:
        changed = False
        for _path, tree in modules:
            for node in ast.walk(tree):
                if not isinstance(node, ast.ClassDef) or node.name in found:
                    continue
                bases = {getattr(base, "id", getattr(base, "attr", None)) for base in node.bases}
                parent = next((found[b] for b in bases if b in found), None)
                if parent is None:
                    continue
                code = parent
                for item in node.body:
                    if isinstance(item, ast.Assign) and [
                        getattr(t, "id", None) for t in item.targets
                    ] == ["code"]:
                        code = item.value.value
                found[node.name] = code
                changed = True
    # Aliased on import (`TooLarge as PhotoTooLarge`).
    for _path, tree in modules:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.asname and alias.name in found:
                        found[alias.asname] = found[alias.name]
    return found


def _msgids(expression: ast.expr, names: dict[str, ast.expr]) -> list[str]:
    """The msgids a message expression is translated from; none for an untranslated one.

    A message translated from a variable (Ninja's own, `NINJA_MESSAGES`) counts as an empty
    msgid: its catalogue entries are checked by `test_every_message_of_the_catalogue_...`.
    """
    found = []
    for node in ast.walk(expression):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in TRANSLATORS:
            found.extend(arg.value if isinstance(arg, ast.Constant) else "" for arg in node.args)
        elif isinstance(node, ast.Name) and node.id in names:
            found.extend(_msgids(names[node.id], {}))
    return found


def _raised_messages() -> dict[str, list[tuple[str, list[str]]]]:
    """code -> [(where, msgids)] for every error of the family the backend raises."""
    modules = _modules()
    classes = _error_classes(modules)
    by_code: dict[str, list[tuple[str, list[str]]]] = {}
    for path, tree in modules:
        module_names = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            if name in classes:
                # An error of the family, raised or handed to the handler.
                code = classes[name]
                message = node.args[0] if node.args else keywords.get("detail")
            elif name == "error_response" and "code" in keywords:
                # The handlers' answers for what is not of the family (Ninja's, Django's).
                code, message = None, keywords.get("detail")
            else:
                continue
            if isinstance(keywords.get("code"), ast.Constant):
                code = keywords["code"].value
            # A message passed in by the caller (a parameter) is checked where it is made.
            if isinstance(message, ast.Name) and message.id not in module_names:
                continue
            # Django's own validation messages, translated by Django's catalogue (and tested
            # below with a common password).
            if ".messages" in ast.unparse(message):
                continue
            where = f"{path.relative_to(BACKEND)}:{node.lineno}"
            by_code.setdefault(code, []).append((where, _msgids(message, module_names)))
    return by_code


def _chinese(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def test_every_code_the_backend_raises_has_a_chinese_message():
    by_code = _raised_messages()
    assert {
        "invalid_token",
        "username_taken",
        "illegal_transition",
        "not_found",
        "not_authenticated",
        "http_error",
        "server_error",
        "unreadable_body",
        "unsupported_media_type",
    } <= set(by_code)

    for code, sites in by_code.items():
        for where, msgids in sites:
            assert msgids, f"{where}: the message of {code!r} is not translated"
            for msgid in filter(None, msgids):
                assert CHINESE.search(_chinese(msgid)), f"{where}: no Chinese for {msgid!r}"


def test_every_status_the_middleware_reshapes_has_a_chinese_detail():
    for status, code in middleware._STATUS_CODES.items():
        detail = middleware._STATUS_DETAILS.get(status)
        assert detail is not None, (status, code)
        with translation.override("zh-hans"):
            assert CHINESE.search(str(detail)), (status, code)


def test_every_message_of_the_catalogue_is_translated():
    source = _read_po(CATALOGUE / "django.po")
    english = [msgid for msgid in source if msgid and re.search("[A-Za-z]", msgid)]
    assert len(english) > 100

    for msgid in english:
        # "Value error, %(error)s" is only its placeholder in Chinese: the error already is.
        placeholders_only = re.fullmatch(r"(%\(\w+\)s)+", source[msgid])
        assert CHINESE.search(source[msgid]) or placeholders_only, f"no Chinese for {msgid!r}"


def test_the_compiled_catalogue_is_its_source():
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    for msgid, msgstr in _read_po(CATALOGUE / "django.po").items():
        if msgid and msgstr:
            assert catalogue.gettext(msgid) == msgstr, f"django.mo is stale for {msgid!r}"


def _read_po(path: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    msgid = msgstr = None
    field = None
    for line in [*path.read_text().splitlines(), ""]:
        if line.startswith("msgid "):
            if msgid is not None:
                entries[msgid] = msgstr
            msgid, msgstr, field = _unquote(line[6:]), "", "id"
        elif line.startswith("msgstr "):
            msgstr, field = _unquote(line[7:]), "str"
        elif line.startswith('"'):
            if field == "id":
                msgid += _unquote(line)
            else:
                msgstr += _unquote(line)
    if msgid is not None:
        entries[msgid] = msgstr
    return entries


def _unquote(text: str) -> str:
    return ast.literal_eval(text)
