"""The development identity `snaplist serve` puts where API Gateway puts the Cognito claims.

Every API request served locally is made as this user, unless it carries an `X-Dev-User` header,
whose value becomes the subject instead (tests use it to act as a second seller).
"""

DEV_USER_HEADER = "X-Dev-User"
DEV_SUBJECT = "dev-seller"
DEV_EMAIL = "dev-seller@example.invalid"


def dev_claims(subject: str | None = None) -> dict[str, str]:
    """Claims shaped like a Cognito ID token's, as the authorizer hands them to the function."""
    sub = subject or DEV_SUBJECT
    return {
        "sub": sub,
        "cognito:username": sub,
        "email": DEV_EMAIL if sub == DEV_SUBJECT else f"{sub}@example.invalid",
        "token_use": "id",
    }
