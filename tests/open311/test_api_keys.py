from django.test import Client

from backend.accounts.models import User, hash_token
from backend.incidents.models import Incident
from backend.open311.models import ApiKey
from backend.open311.services import DEMO_KEY, open311_demo_key_create

from .conftest import BASE, body


def test_the_demo_key_is_made_once_for_the_open311_demo_resident(two_streets):
    first = open311_demo_key_create()
    second = open311_demo_key_create()
    assert first.pk == second.pk
    assert ApiKey.objects.count() == 1
    user = User.objects.get(username="open311-demo")
    assert (first.user, user.role, user.has_usable_password()) == (user, "resident", False)


def test_the_demo_key_files_reports(client, two_streets):
    open311_demo_key_create()
    form = {"api_key": DEMO_KEY, "service_code": "other", "lat": "41.805", "long": "123.805"}
    response = client.post(f"{BASE}/requests.json", form)
    assert response.status_code == 200
    assert Incident.objects.get().reporter.username == "open311-demo"


def test_only_the_keys_hash_is_stored(client, api_key):
    stored = ApiKey.objects.get()
    assert stored.key_hash == hash_token(api_key)
    assert api_key not in str(ApiKey.objects.values().get())


def test_an_admin_issues_a_key_and_sees_it_once(admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    browser = Client()
    browser.force_login(admin_user)
    response = browser.post(
        "/admin/open311/apikey/add/", {"name": "Fix app", "active": "on"}, follow=True
    )
    assert response.status_code == 200
    api_key = ApiKey.objects.get(name="Fix app")
    assert api_key.user.username == "open311-fix-app"
    assert api_key.user.role == "resident"
    [message] = [str(m) for m in response.context["messages"] if "only this once" in str(m)]
    secret = message.split(": ")[1].split(" ")[0]
    assert api_key.key_hash == hash_token(secret)
    form = {"api_key": secret, "service_code": "other", "lat": "41.805", "long": "123.805"}
    assert Client().post(f"{BASE}/requests.json", form).status_code == 200
    assert body(browser.get(f"{BASE}/services.json"))
