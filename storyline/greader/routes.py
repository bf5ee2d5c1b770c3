"""Which endpoint serves which path under /api/greader."""
from __future__ import annotations

from dataclasses import dataclass

from storyline.greader.login import client_login, edit_token, user_info
from storyline.greader.reading import atom_stream, item_ids, items_contents, preference_list, stream_contents, \
    stream_preferences
from storyline.greader.state import edit_tag, mark_all_as_read, unread_count
from storyline.greader.subscriptions import disable_tag, quickadd, rename_tag, subscription_edit, \
    subscription_list, tag_list


@dataclass(frozen=True)
class Endpoint:
    handle: object
    signed_in: bool = True
    edit: bool = False  # a change: POST only, T checked
    stream_path: bool = False  # takes a stream id after its path


API = "reader/api/0/"
ENDPOINTS = {
    "accounts/ClientLogin": Endpoint(client_login, signed_in=False),
    API + "token": Endpoint(edit_token),
    API + "user-info": Endpoint(user_info),
    API + "tag/list": Endpoint(tag_list),
    API + "subscription/list": Endpoint(subscription_list),
    API + "subscription/quickadd": Endpoint(quickadd, edit=True),
    API + "subscription/edit": Endpoint(subscription_edit, edit=True),
    API + "rename-tag": Endpoint(rename_tag, edit=True),
    API + "disable-tag": Endpoint(disable_tag, edit=True),
    API + "stream/items/ids": Endpoint(item_ids),
    API + "stream/items/contents": Endpoint(items_contents),
    API + "stream/contents": Endpoint(stream_contents, stream_path=True),
    API + "edit-tag": Endpoint(edit_tag, edit=True),
    API + "mark-all-as-read": Endpoint(mark_all_as_read, edit=True),
    API + "unread-count": Endpoint(unread_count),
    API + "preference/list": Endpoint(preference_list),
    API + "preference/stream/list": Endpoint(stream_preferences),
    "reader/atom": Endpoint(atom_stream, stream_path=True),
}


def route(path: str) -> tuple[Endpoint, str | None] | None:
    """The endpoint of a path under /api/greader and the stream id after it, if
    any. Leading slashes are dropped: clients join `…/api/greader/` and `/reader/…`."""
    path = path.lstrip("/")
    for name, endpoint in ENDPOINTS.items():
        if endpoint.stream_path and path.startswith(name + "/") and len(path) > len(name) + 1:
            return endpoint, path[len(name) + 1:]
    endpoint = ENDPOINTS.get(path.rstrip("/"))
    return (endpoint, None) if endpoint else None
