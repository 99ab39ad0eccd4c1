"""What every app's JSON API shares (the NinjaAPI itself is composed in
config/api.py): who is calling (auth), the one error shape (errors), the value
types of schemas and paths (types) and the parser that screens out control
characters (parser)."""
