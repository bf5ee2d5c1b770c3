"""`storyline user add|list|password|token|fever|remove`: accounts on this server."""
from __future__ import annotations

import getpass
import os
import sys

from storyline.cli.output import fail, out, plain, print_json
from storyline.storage import open_store


def _password(args) -> str:
    """$STORYLINE_PASSWORD when set, else asked twice on the terminal."""
    given = os.environ.get("STORYLINE_PASSWORD")
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise SystemExit("storyline: set STORYLINE_PASSWORD or run this on a terminal to type the password")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("storyline: the two passwords differ; nothing changed")
    return first


def _fever(store, args) -> tuple[dict, str]:
    """Turn the Fever API on for a user, with a password of its own (or off)."""
    from storyline.fever import credentials

    if args.off:
        credentials.turn_off(store, args.name)
        return {"name": args.name, "fever": False}, f"turned the Fever API off for {args.name}"
    credentials.turn_on(store, args.name, _password(args))
    return ({"name": args.name, "fever": True},
            f"{args.name} can use the Fever API at /api/fever: log in with {args.name} and this Fever password")


def cmd_user(args) -> int:
    from storyline import accounts

    with open_store(args.db) as store:
        try:
            if args.action == "add":
                user = accounts.create_user(store, accounts.check_name(args.name), _password(args), admin=args.admin)
                result = {"id": user.id, "name": user.name, "role": user.role}
                message = f"added {user.role} {user.name}"
            elif args.action == "password":
                accounts.change_password(store, args.name, _password(args))
                result, message = {"name": args.name}, f"changed the password of {args.name}; their sessions ended"
            elif args.action == "token":
                row = store.user(name=args.name)
                if row is None or row["password"] is None:
                    raise accounts.AccountError(f"no user {args.name!r}")
                token = accounts.issue_token(store, accounts.User(row["id"], row["name"], row["role"]),
                                             args.label or "api")
                result, message = {"name": args.name, "token": token}, token
            elif args.action == "fever":
                result, message = _fever(store, args)
            elif args.action == "remove":
                row = store.user(name=args.name)
                if row is None or not store.remove_user(row["id"]):
                    raise accounts.AccountError(f"no user {args.name!r}")
                result, message = {"name": args.name}, f"removed {args.name} and their state"
            else:
                rows = [u for u in store.users() if u["can_log_in"]]
                if args.json:
                    print_json([{"id": u["id"], "name": u["name"], "role": u["role"], "created": u["created"]}
                                for u in rows])
                else:
                    for u in rows:
                        print(plain(f"{u['id']}\t{u['name']}\t{u['role']}\t{u['created']}"))
                return 0
        except accounts.AccountError as exc:
            return fail(str(exc))
    if args.json:
        print_json(result)
    else:
        out.print(message, markup=False, highlight=False)
    return 0


def add_commands(command) -> None:
    p = command("user", cmd_user, "manage accounts: add, list, password, token, fever, remove")
    p.add_argument("action", choices=["add", "list", "password", "token", "fever", "remove"])
    p.add_argument("name", nargs="?", default="", help="the user name (not for list)")
    p.add_argument("--admin", action="store_true", help="with add: an administrator")
    p.add_argument("--label", help="with token: what the token is for")
    p.add_argument("--off", action="store_true", help="with fever: turn the Fever API off for the user")
