"""Single sign-on for staff (issue 25): OpenID Connect (oidc.py) and SAML 2.0 (saml.py),
both ending in the same provisioning of users and roles (provisioning.py)."""
