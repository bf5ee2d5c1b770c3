"""The Google Reader API at /api/greader (being written)."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
