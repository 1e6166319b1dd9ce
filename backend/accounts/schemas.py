from datetime import datetime

from ninja import Schema
from pydantic import Field

from .models import User

USERNAME_PATTERN = r"^[\w.@+-]+$"


class CredentialsIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)


class RegistrationIn(Schema):
    username: str = Field(min_length=3, max_length=150, pattern=USERNAME_PATTERN)
    password: str = Field(min_length=1, max_length=256)
    display_name: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=32, pattern=r"^[0-9+\- ]*$")


class UserOut(Schema):
    username: str
    role: str
    display_name: str
    grids: list[str]
    streets: list[str]

    @staticmethod
    def from_user(user: User) -> "UserOut":
        return UserOut(
            username=user.username,
            role=user.role,
            display_name=user.display_name,
            grids=sorted(user.grids.values_list("code", flat=True)),
            streets=sorted(user.streets.values_list("code", flat=True)),
        )


class TokenOut(Schema):
    token: str
    expires_at: datetime
    user: UserOut
