"""The JSON API (/api/v1): bearer tokens with scopes, the same services as the pages."""
