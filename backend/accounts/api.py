from django.contrib.auth import logout
from django.http import HttpRequest
from ninja import Router, Status

from backend.core.request import client_address
from backend.core.schemas import ErrorOut

from . import services
from .auth import REQUIRED
from .schemas import CredentialsIn, RegistrationIn, TokenOut, UserOut

router = Router(tags=["auth"])


def _token_out(issued: services.IssuedToken) -> TokenOut:
    return TokenOut(
        token=issued.token, expires_at=issued.expires_at, user=UserOut.from_user(issued.user)
    )


@router.post(
    "/token", response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}
)
def token(request: HttpRequest, credentials: CredentialsIn):
    issued = services.token_issue(
        username=credentials.username,
        password=credentials.password,
        address=client_address(request),
    )
    return _token_out(issued)


@router.post(
    "/register",
    response={
        201: TokenOut,
        400: ErrorOut,
        401: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
)
def register(request: HttpRequest, registration: RegistrationIn):
    issued = services.user_register(
        username=registration.username,
        password=registration.password,
        display_name=registration.display_name,
        phone=registration.phone,
        address=client_address(request),
    )
    return Status(201, _token_out(issued))


@router.post("/logout", auth=REQUIRED, response={204: None, 401: ErrorOut})
def sign_out(request: HttpRequest):
    token = getattr(request, "auth_token", None)
    if token:
        services.token_revoke(token=token)
    else:
        logout(request)
    return Status(204, None)


@router.get("/me", auth=REQUIRED, response={200: UserOut, 401: ErrorOut})
def me(request: HttpRequest):
    return UserOut.from_user(request.auth)
