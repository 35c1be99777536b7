from reports.open311 import admin as open311_admin  # noqa: F401 - registers the API key admin
