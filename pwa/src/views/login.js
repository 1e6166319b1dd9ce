// Sign-in for every role, and registration for residents. What follows a sign-in (reference
// data, the socket, the outbox) is the app's: it comes in as `signedIn`, so this view does not
// import app.js, which imports every view.
import { ApiError } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { register, signIn } from "../session.js";

function field(label, input) {
  return h("label", { class: "field" }, h("span", { text: label }), input);
}

// The server says what went wrong, in the language the app sent it.
function errorText(error) {
  return error instanceof ApiError ? error.detail : t("net.unreachable");
}

export async function render(root, { route, signedIn }) {
  const registering = route === "register";
  const message = h("p", { class: "form-error", role: "alert" });
  const username = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none" });
  const password = h("input", {
    name: "password", type: "password", required: true,
    autocomplete: registering ? "new-password" : "current-password", minlength: registering ? "8" : null,
  });
  const displayName = h("input", { name: "display_name", autocomplete: "name" });
  const phone = h("input", { name: "phone", type: "tel", autocomplete: "tel" });
  const submit = h("button", { type: "submit", class: "primary", text: registering ? t("auth.register") : t("auth.sign_in") });

  const form = h("form", { class: "card auth", novalidate: false },
    h("h1", { text: registering ? t("auth.register_title") : t("auth.sign_in_title") }),
    registering ? h("p", { class: "hint", text: t("auth.register_hint") }) : null,
    field(t("auth.username"), username),
    field(t("auth.password"), password),
    registering ? field(t("auth.display_name"), displayName) : null,
    registering ? field(t("auth.phone"), phone) : null,
    message,
    submit,
    h("p", { class: "switch" },
      registering
        ? h("a", { href: "#/login", text: t("auth.have_account") })
        : h("a", { href: "#/register", text: t("auth.resident_register") })),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.textContent = "";
    try {
      if (registering) {
        await register({
          username: username.value.trim(), password: password.value,
          display_name: displayName.value.trim() || undefined, phone: phone.value.trim() || undefined,
        });
      } else {
        await signIn(username.value.trim(), password.value);
      }
      await signedIn();
    } catch (error) {
      message.textContent = errorText(error);
      submit.disabled = false;
    }
  });
  root.append(h("section", { class: "auth-page" },
    h("div", { class: "auth-brand" }, h("img", { src: "/icons/icon-192.png", alt: "", width: 64, height: 64 }),
      h("h2", { text: t("app.name") }), h("p", { text: t("app.tagline") })),
    form));
  username.focus();
}
