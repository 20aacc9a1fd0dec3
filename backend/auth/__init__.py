"""Accounts and authorisation: the permission table (permissions), authorisation from the store on every action
(access: services call ``authorize``), accounts (users), login and lockout (login, throttle, passwords)."""
