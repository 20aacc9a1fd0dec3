"""Password hashing, roles and the permission table. Services call :func:`require` before every write."""
